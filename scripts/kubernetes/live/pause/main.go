//go:build linux

// Command pause is the first process of every pod sandbox in make test-kubeadm-live: it
// holds the pod's namespaces open, reaps the orphans that are re-parented to it, and exits
// on SIGINT or SIGTERM. It stands in for registry.k8s.io/pause, which the test cannot
// download; scripts/kubernetes/live/build.sh packs it into the sandbox image.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		reap()
	}
}

// reap collects every exited child without blocking.
func reap() {
	for {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}
