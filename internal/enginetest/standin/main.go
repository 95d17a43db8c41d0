// Command standin stands in for a Pulumi resource provider plugin under the real Pulumi
// engine, with no cloud behind it. The engine rig (internal/enginetest/run.sh) installs it
// as pulumi-resource-<package> for every provider SDK go.mod requires (aws, gcp, ...);
// the name it is started under picks the package, and CLUSTERBENCH_STANDIN_VERSIONS the
// version it reports.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

func main() {
	pkg := packageOf(os.Args[0])
	version, ok := versionOf(pkg, os.Getenv("CLUSTERBENCH_STANDIN_VERSIONS"))
	if !ok {
		fmt.Fprintf(os.Stderr, "stand-in: no version for package %q in CLUSTERBENCH_STANDIN_VERSIONS=%q\n", pkg, os.Getenv("CLUSTERBENCH_STANDIN_VERSIONS"))
		os.Exit(2)
	}
	provider := &standIn{pkg: pkg, version: version}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(s *grpc.Server) error { pulumirpc.RegisterResourceProviderServer(s, provider); return nil },
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "stand-in:", err)
		os.Exit(1)
	}
	// The engine reads the port from the plugin's first line of output.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintln(os.Stderr, "stand-in:", err)
		os.Exit(1)
	}
}
