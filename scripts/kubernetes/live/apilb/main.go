// Command apilb is the API load balancer of make test-kubeadm-live's three-member
// cluster: a TCP proxy that hands each connection to the first backend, in rotation, that
// accepts it within a second, as a network load balancer whose health check has taken a
// lost member out of rotation would.
//
// Usage: apilb LISTEN_ADDRESS BACKEND_ADDRESS...
package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"sync/atomic"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: apilb LISTEN_ADDRESS BACKEND_ADDRESS...")
		os.Exit(2)
	}
	listener, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	backends := os.Args[2:]
	var next atomic.Uint64
	for {
		client, err := listener.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go forward(client, backends, int(next.Add(1)))
	}
}

// forward connects client to the first backend from start on that accepts a connection.
func forward(client net.Conn, backends []string, start int) {
	defer client.Close()
	for i := range backends {
		backend, err := net.DialTimeout("tcp", backends[(start+i)%len(backends)], time.Second)
		if err != nil {
			continue
		}
		defer backend.Close()
		done := make(chan struct{}, 2)
		go pipe(backend, client, done)
		go pipe(client, backend, done)
		<-done
		return
	}
}

// pipe copies from src to dst, then closes dst's writing side so the peer sees the end.
func pipe(dst, src net.Conn, done chan<- struct{}) {
	_, _ = io.Copy(dst, src)
	if tcp, ok := dst.(*net.TCPConn); ok {
		_ = tcp.CloseWrite()
	}
	done <- struct{}{}
}
