// Package kubeaddons installs what clusterbench:monitoring and clusterbench:demo put on a
// managed Kubernetes cluster (EKS, GKE), through the Pulumi Kubernetes provider configured
// from the cluster's kubeconfig output: kube-prometheus-stack with an events exporter, or
// the Datadog agent with its key in a Kubernetes Secret, and the demo service. The charts'
// versions and values come from components/monitoring, where they are defined once.
package kubeaddons

import (
	"github.com/clusterbench/clusterbench/components/monitoring"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/yaml"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AddonsType is the component's type token.
const AddonsType = "clusterbench:kubeaddons:Addons"

// Args configure the add-ons of one cluster.
type Args struct {
	Spec *spec.Spec
	// Kubeconfig is the cluster's kubeconfig output (a secret).
	Kubeconfig pulumi.StringOutput
}

// Addons is the component; nil when the stack asks for neither monitoring nor the demo.
type Addons struct {
	pulumi.ResourceState
}

// New registers the add-ons a spec asks for (nothing, and no component, when it asks for
// none). opts should make them wait for the cluster and its nodes.
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Addons, error) {
	s := args.Spec
	if s.Monitoring == spec.MonitoringNone && !s.Demo {
		return nil, nil
	}
	c := &Addons{}
	if err := ctx.RegisterComponentResource(AddonsType, name, c, opts...); err != nil {
		return nil, err
	}
	provider, err := kubernetes.NewProvider(ctx, name+"-k8s", &kubernetes.ProviderArgs{
		Kubeconfig: pulumi.ToSecret(args.Kubeconfig).(pulumi.StringOutput),
	}, pulumi.Parent(c))
	if err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, name: name, s: s, component: c, opts: []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(provider)}}
	switch s.Monitoring {
	case spec.MonitoringPrometheus:
		err = b.prometheus()
	case spec.MonitoringDatadog:
		err = b.datadog()
	}
	if err == nil && s.Demo {
		err = b.demo()
	}
	if err != nil {
		return nil, err
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{})
}

type builder struct {
	ctx       *pulumi.Context
	name      string
	s         *spec.Spec
	component *Addons
	opts      []pulumi.ResourceOption
}

func (b *builder) with(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append(append([]pulumi.ResourceOption{}, b.opts...), extra...)
}

func meta(name, namespace string) *metav1.ObjectMetaArgs {
	m := &metav1.ObjectMetaArgs{Name: pulumi.String(name), Labels: pulumi.StringMap{"app.kubernetes.io/managed-by": pulumi.String("clusterbench")}}
	if namespace != "" {
		m.Namespace = pulumi.String(namespace)
	}
	return m
}

func (b *builder) namespace() (*corev1.Namespace, error) {
	return corev1.NewNamespace(b.ctx, b.name+"-"+monitoring.Namespace, &corev1.NamespaceArgs{Metadata: meta(monitoring.Namespace, "")}, b.opts...)
}

// release installs one pinned chart.
func (b *builder) release(chart monitoring.Chart, release string, values map[string]any, deps ...pulumi.Resource) (*helmv3.Release, error) {
	return helmv3.NewRelease(b.ctx, b.name+"-"+release, &helmv3.ReleaseArgs{
		Name:           pulumi.String(release),
		Chart:          pulumi.String(chart.Name),
		Version:        pulumi.String(chart.Version),
		RepositoryOpts: &helmv3.RepositoryOptsArgs{Repo: pulumi.String(chart.Repo)},
		Namespace:      pulumi.String(monitoring.Namespace),
		Values:         pulumi.ToMap(values),
		Atomic:         pulumi.Bool(true),
		Timeout:        pulumi.Int(900),
	}, b.with(pulumi.DependsOn(deps))...)
}

// prometheus: the monitoring namespace, an encrypted gp3 storage class on EKS (its
// default gp2 class is unencrypted), kube-prometheus-stack, and the events exporter.
func (b *builder) prometheus() error {
	ns, err := b.namespace()
	if err != nil {
		return err
	}
	deps := []pulumi.Resource{ns}
	if b.s.Cloud == spec.AWS {
		sc, err := storagev1.NewStorageClass(b.ctx, b.name+"-gp3", &storagev1.StorageClassArgs{
			Metadata:             meta(monitoring.StorageClass(spec.AWS), ""),
			Provisioner:          pulumi.String("ebs.csi.aws.com"),
			Parameters:           pulumi.StringMap{"type": pulumi.String("gp3"), "encrypted": pulumi.String("true")},
			VolumeBindingMode:    pulumi.String("WaitForFirstConsumer"),
			ReclaimPolicy:        pulumi.String("Delete"),
			AllowVolumeExpansion: pulumi.Bool(true),
		}, b.opts...)
		if err != nil {
			return err
		}
		deps = append(deps, sc)
	}
	stack, err := b.release(monitoring.KubePrometheusStack, monitoring.PrometheusRelease, monitoring.PrometheusValues(b.s), deps...)
	if err != nil {
		return err
	}
	return b.eventsExporter(ns, stack)
}

// eventsExporter: Grafana Alloy, allowed to read events only, counting Warning events
// for Prometheus, whose rule KubernetesWarningEvent turns them into alerts: the objects of
// components/monitoring/kubernetes/events-exporter.yaml (monitoring.EventsExporterObjects),
// which a self-managed cluster's init member applies too.
func (b *builder) eventsExporter(ns *corev1.Namespace, stack *helmv3.Release) error {
	objs, err := monitoring.EventsExporterObjects(spec.Managed)
	if err != nil {
		return err
	}
	name := b.name + "-events-exporter"
	_, err = yaml.NewConfigGroup(b.ctx, name, &yaml.ConfigGroupArgs{Objs: objs},
		b.with(pulumi.DependsOn([]pulumi.Resource{ns, stack}), pulumi.Transformations([]pulumi.ResourceTransformation{b.formerlyTyped(name)}))...)
	return err
}

// formerlyTyped aliases the ConfigGroup's objects to what they were before the events
// exporter became one YAML file: typed resources named name, children of the component.
// Without the alias a stack deployed then would see new URNs: Pulumi would create the
// objects under them (which fails on the live objects, or adopts them) and then delete
// the old resources, and with them the same-named objects in the cluster.
func (b *builder) formerlyTyped(name string) pulumi.ResourceTransformation {
	return func(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
		if args.Type == "kubernetes:yaml:ConfigGroup" {
			return nil
		}
		return &pulumi.ResourceTransformationResult{Props: args.Props,
			Opts: append(args.Opts, pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(name), Parent: b.component}}))}
	}
}

// datadog: the key as a Kubernetes Secret (a Pulumi secret all the way), then the chart,
// which reads it through apiKeyExistingSecret.
func (b *builder) datadog() error {
	ns, err := b.namespace()
	if err != nil {
		return err
	}
	key := pulumi.ToSecret(pulumi.String(b.s.Datadog.APIKey())).(pulumi.StringOutput)
	secret, err := corev1.NewSecret(b.ctx, b.name+"-"+monitoring.DatadogSecretName, &corev1.SecretArgs{
		Metadata:   meta(monitoring.DatadogSecretName, monitoring.Namespace),
		Type:       pulumi.String("Opaque"),
		StringData: pulumi.StringMap{monitoring.DatadogSecretKey: key},
	}, b.with(pulumi.DependsOn([]pulumi.Resource{ns}))...)
	if err != nil {
		return err
	}
	_, err = b.release(monitoring.DatadogAgent, monitoring.DatadogRelease, monitoring.DatadogValues(b.s), ns, secret)
	return err
}

// demo: the manifests of components/monitoring/kubernetes/demo.yaml, the namespace first;
// the web tier's load balancer admits adminCidrs only (monitoring.DemoObjects).
func (b *builder) demo() error {
	objs, err := monitoring.DemoObjects(b.s)
	if err != nil {
		return err
	}
	ns, err := yaml.NewConfigGroup(b.ctx, b.name+"-demo-namespace", &yaml.ConfigGroupArgs{Objs: objs[:1]}, b.opts...)
	if err != nil {
		return err
	}
	_, err = yaml.NewConfigGroup(b.ctx, b.name+"-demo", &yaml.ConfigGroupArgs{Objs: objs[1:]}, b.with(pulumi.DependsOn([]pulumi.Resource{ns}))...)
	return err
}
