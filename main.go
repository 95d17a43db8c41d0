// Command clusterbench's Pulumi program: `pulumi up` on a stack in stacks/ runs this.
// The program lives in components/program so the mock harness and `clusterbench
// compare` can run exactly the same function (Go cannot import package main).
package main

import (
	"github.com/clusterbench/clusterbench/components/program"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(program.Run)
}
