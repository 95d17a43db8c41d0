//go:build tools

// Package tools pins the Pulumi CLI the engine rig builds: its version must equal the
// github.com/pulumi/pulumi/sdk/v3 version the project's go.mod requires (run.sh checks).
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
