// Command chartrepo serves a directory over HTTP on one address: the Helm chart
// repository of make test-kubeadm-live (an index.yaml and packaged stand-in charts), on
// the test bridge's address, since no chart registry is reachable from the machine.
//
// Usage: chartrepo ADDRESS DIRECTORY
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"time"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: chartrepo ADDRESS DIRECTORY")
		os.Exit(2)
	}
	handler := http.FileServer(http.Dir(os.Args[2]))
	logged := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.Printf("%s %s", r.Method, r.URL.Path)
		handler.ServeHTTP(w, r)
	})
	server := &http.Server{Addr: os.Args[1], Handler: logged, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(server.ListenAndServe())
}
