package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeFailed is an error writing the report: exit 3, never 1 (which means findings).
func writeFailed(where string, err error) error {
	return &exitError{code: exitWriteFailed, err: fmt.Errorf("writing the report to %s: %v", where, err)}
}

// writeReport writes a report to --out, or to stdout when path is "" or "-". A regular
// file (new or existing) is written to a temporary file beside it and renamed over it
// only once the whole report is written: a failed run never leaves a truncated or empty
// report in its place. Anything else (/dev/stdout, /dev/full, a pipe) is written
// directly. A failed write is exitWriteFailed; a path that cannot be created is bad
// input.
func writeReport(path string, stdout io.Writer, write func(io.Writer) error) error {
	fi, err := os.Stat(path)
	if path == "" || path == "-" || err == nil && !fi.Mode().IsRegular() {
		w, closeOut, err := output(path, stdout)
		if err != nil {
			return err
		}
		where := path
		if path == "" || path == "-" {
			where = "standard output"
		}
		if err := write(w); err != nil {
			_ = closeOut()
			return writeFailed(where, err)
		}
		if err := closeOut(); err != nil {
			return writeFailed(where, err)
		}
		return nil
	}
	mode := os.FileMode(0o644)
	if err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return badInput("--out %s: %v", path, err)
	}
	fail := func(err error) error {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return writeFailed(path, err)
	}
	if err := write(tmp); err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return writeFailed(path, err)
	}
	return nil
}
