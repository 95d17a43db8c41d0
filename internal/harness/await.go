package harness

import (
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/go-multierror"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AwaitTimeout bounds every await: outputs resolve at once under mocks.
var AwaitTimeout = 30 * time.Second

// Await resolves an output and reports whether it is secret, or fails after
// AwaitTimeout instead of hanging the test.
func Await(out pulumi.Output) (value any, secret bool, err error) {
	type result struct {
		v any
	}
	ch := make(chan result, 1)
	out.ApplyT(func(v any) any { ch <- result{v}; return nil })
	select {
	case r := <-ch:
		return r.v, pulumi.IsSecret(out), nil
	case <-time.After(AwaitTimeout):
		return nil, false, fmt.Errorf("output did not resolve within %s", AwaitTimeout)
	}
}

// unwrapRunError returns the program's own error from RunWithContext's multierror, so
// errors.Is and errors.As see it (the SDK wraps everything the program returns).
func unwrapRunError(err error) error {
	var merr *multierror.Error
	if errors.As(err, &merr) && len(merr.Errors) == 1 {
		return merr.Errors[0]
	}
	return err
}
