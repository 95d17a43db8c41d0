// Command clusterbench compares cluster variants offline: it runs the project's Pulumi
// program for each stack file under the mock engine and reports resources, monthly cost
// and fault tolerance. One file per subcommand; the work is in components/.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// Exit codes (DESIGN.md CLI contract).
const (
	exitOK       = 0
	exitFindings = 1 // unpriced items, a stack whose program failed
	exitBadInput = 2 // unreadable or invalid stack file, bad flag
)

// exitError carries an exit code out of a subcommand.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func badInput(format string, args ...any) error {
	return &exitError{code: exitBadInput, err: fmt.Errorf(format, args...)}
}

var commands = map[string]func(args []string, stdout, stderr io.Writer) (int, error){
	"compare":   runCompare,
	"inventory": runInventory,
	"cost":      runCost,
	"prices":    runPrices,
}

const usage = `clusterbench: provision and compare container-orchestration clusters

usage:
  clusterbench compare   [--stacks DIR] [--stack NAME]... [--format table|json|markdown|csv|html] [--out PATH]
                         [--prices FILE] [--usage small|medium|large|FILE] [--gke-free-tier]
  clusterbench inventory --stack NAME [--stacks DIR] [--format table|json]
  clusterbench cost      --preview FILE [--format ...] [--prices FILE] [--usage ...] [--gke-free-tier]
  clusterbench prices import --region R (--aws OFFER.json... | --gcp SKUS.json...) [--out PATH]

exit codes: 0 ok; 1 findings (unpriced items, a stack whose program failed); 2 bad input
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return exitBadInput
		}
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "clusterbench: unknown command %q; one of compare, inventory, cost, prices\n", args[0])
		return exitBadInput
	}
	code, err := cmd(args[1:], stdout, stderr)
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		} else if code == exitOK {
			code = exitFindings
		}
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "clusterbench %s: %v\n", args[0], err)
		} else {
			code = exitOK
		}
	}
	return code
}

// newFlags makes a subcommand's flag set: errors are returned, not printed twice.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses and refuses stray arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return badInput("%v", err)
	}
	if fs.NArg() > 0 {
		return badInput("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return fmt.Sprint(*l) }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// output opens --out (or stdout) for writing.
func output(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, badInput("--out: %v", err)
	}
	return f, f.Close, nil
}
