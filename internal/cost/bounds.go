package cost

import (
	"fmt"
	"math"

	"github.com/clusterbench/clusterbench/internal/inventory"
)

// maxInputQuantity bounds a size or count read from a resource's inputs: no disk,
// instance count, IOPS figure or port count comes near a billion, and below it no
// product the rules form overflows.
const maxInputQuantity = 1e9

// implausible is a size or count input out of range; it stops the resource's pricing.
type implausible struct {
	path  string
	value float64
}

func (e implausible) Error() string {
	return fmt.Sprintf("input %s = %g is not a plausible size or count (0 to 1,000,000,000): the resource is not priced", e.path, e.value)
}

// number reads a numeric input that a rule multiplies a price by. A negative or absurd
// value (a document is the user's input) unwinds the rule: priceResource reports the
// resource unpriced instead of pricing it at a negative or overflowed amount.
func number(r inventory.Resource, path string) (float64, bool) {
	n, ok := r.Number(path)
	if ok && (n < 0 || n > maxInputQuantity || math.IsNaN(n)) {
		panic(implausible{path: path, value: n})
	}
	return n, ok
}

// apply runs a rule, turning an implausible input into an error and dropping the lines
// the rule added before it met that input.
func (p *pricer) apply(price rule, r inventory.Resource) (err error) {
	before := len(p.lines)
	defer func() {
		if v := recover(); v != nil {
			bad, ok := v.(implausible)
			if !ok {
				panic(v)
			}
			p.lines = p.lines[:before]
			err = bad
		}
	}()
	return price(p, r)
}
