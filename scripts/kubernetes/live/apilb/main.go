// Command apilb is the API load balancer of make test-kubeadm-live's three-member
// cluster, standing in for the cloud's network load balancer: a TCP proxy that health
// checks every backend's /readyz over HTTPS each second and hands each connection to the
// next healthy backend in rotation. When no backend is healthy (a cluster still being
// initialised) it fails open, as an AWS network load balancer does, and tries every
// backend that accepts a connection.
//
// Usage: apilb LISTEN_ADDRESS BACKEND_ADDRESS...
package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
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
	pool := &pool{backends: os.Args[2:], healthy: make([]bool, len(os.Args)-2)}
	go pool.checkForever()
	for {
		client, err := listener.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go pool.forward(client)
	}
}

type pool struct {
	backends []string
	mu       sync.Mutex
	healthy  []bool
	next     atomic.Uint64
}

// checkForever marks each backend healthy when its /readyz answers 200 within a second.
// The certificate is not verified: the check asks only whether the API is ready, as a
// cloud load balancer's HTTPS health check does.
func (p *pool) checkForever() {
	client := &http.Client{
		Timeout:   time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
	}
	for {
		for i, backend := range p.backends {
			ok := false
			if resp, err := client.Get("https://" + backend + "/readyz"); err == nil {
				ok = resp.StatusCode == http.StatusOK
				_ = resp.Body.Close()
			}
			p.mu.Lock()
			p.healthy[i] = ok
			p.mu.Unlock()
		}
		time.Sleep(time.Second)
	}
}

// candidates: the healthy backends from the next one in rotation on, or every backend
// when none is healthy.
func (p *pool) candidates() []string {
	start := int(p.next.Add(1))
	p.mu.Lock()
	defer p.mu.Unlock()
	var healthy, all []string
	for i := range p.backends {
		j := (start + i) % len(p.backends)
		all = append(all, p.backends[j])
		if p.healthy[j] {
			healthy = append(healthy, p.backends[j])
		}
	}
	if len(healthy) > 0 {
		return healthy
	}
	return all
}

// forward connects client to the first candidate that accepts a connection.
func (p *pool) forward(client net.Conn) {
	defer client.Close()
	for _, address := range p.candidates() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		backend, err := (&net.Dialer{}).DialContext(ctx, "tcp", address)
		cancel()
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
