// Command langhost is a minimal Pulumi language host for Go programs, for the engine rig
// (internal/enginetest/run.sh), which installs it as pulumi-language-go. It runs the
// program binary named by CLUSTERBENCH_ENGINE_PROGRAM (the rig builds it once per run),
// or builds the program directory when that is unset, and hands it the engine's run
// information through the environment, as the Go SDK's pulumi.Run expects.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engine string // the engine's address, for the program's log and error reports
}

func (h *host) Handshake(_ context.Context, r *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engine = r.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: "0.0.0-enginetest"}, nil
}

// The stand-in providers are on PATH: the program needs no plugins installed or packages
// resolved.
func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) InstallDependencies(*pulumirpc.InstallDependenciesRequest, grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	return nil
}

func (h *host) GetProgramDependencies(context.Context, *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

func (h *host) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	return &pulumirpc.AboutResponse{Executable: "go", Version: "enginetest"}, nil
}

// Run runs the program once, for one preview or update.
func (h *host) Run(ctx context.Context, r *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	program, cleanup, err := programBinary(ctx, r)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	defer cleanup()
	config, err := json.Marshal(r.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys := r.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secrets, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, program)
	cmd.Dir = r.GetPwd()
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(),
		"PULUMI_PROJECT="+r.GetProject(),
		"PULUMI_STACK="+r.GetStack(),
		"PULUMI_ORGANIZATION="+r.GetOrganization(),
		"PULUMI_ROOT_DIRECTORY="+r.GetInfo().GetRootDirectory(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secrets),
		"PULUMI_DRY_RUN="+strconv.FormatBool(r.GetDryRun()),
		"PULUMI_PARALLEL="+strconv.Itoa(int(r.GetParallel())),
		"PULUMI_MONITOR="+r.GetMonitorAddress(),
		"PULUMI_ENGINE="+h.engine,
	)
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			// The program has reported its errors through the engine already.
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// programBinary is the prebuilt program, or the program directory built now.
func programBinary(ctx context.Context, r *pulumirpc.RunRequest) (string, func(), error) {
	if bin := os.Getenv("CLUSTERBENCH_ENGINE_PROGRAM"); bin != "" {
		return bin, func() {}, nil
	}
	dir := r.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = r.GetPwd()
	}
	tmp, err := os.MkdirTemp("", "enginetest-program-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(tmp) }
	bin := filepath.Join(tmp, "program")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Dir = dir
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("go build in %s: %w", dir, err)
	}
	return bin, cleanup, nil
}

func main() {
	// The engine passes these; this host has no use for them.
	flags := flag.NewFlagSet("pulumi-language-go", flag.ContinueOnError)
	for _, name := range []string{"tracing", "root", "binary", "buildTarget"} {
		flags.String(name, "", "")
	}
	if err := flags.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	h := &host{engine: flags.Arg(0)}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(s *grpc.Server) error { pulumirpc.RegisterLanguageRuntimeServer(s, h); return nil },
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "langhost:", err)
		os.Exit(1)
	}
	// The engine reads the port from the host's first line of output.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintln(os.Stderr, "langhost:", err)
		os.Exit(1)
	}
}
