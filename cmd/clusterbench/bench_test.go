package main

import (
	"io"
	"testing"
)

// BenchmarkCompareHTML is `clusterbench compare --format html` over the six shipped
// stacks, end to end: the program under the mock engine for each stack, pricing, fault
// tolerance, six Graphviz layouts and the page.
func BenchmarkCompareHTML(b *testing.B) {
	for b.Loop() {
		if code := run([]string{"compare", "--stacks", stacksDir, "--format", "html"}, io.Discard, io.Discard); code != 0 {
			b.Fatalf("compare exited %d", code)
		}
	}
}

// BenchmarkCompareJSON is the same comparison without pictures, for contrast.
func BenchmarkCompareJSON(b *testing.B) {
	for b.Loop() {
		if code := run([]string{"compare", "--stacks", stacksDir, "--format", "json"}, io.Discard, io.Discard); code != 0 {
			b.Fatalf("compare exited %d", code)
		}
	}
}
