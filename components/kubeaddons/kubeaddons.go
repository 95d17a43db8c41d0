// Package kubeaddons installs what clusterbench:monitoring and clusterbench:demo put on a
// managed Kubernetes cluster (EKS, GKE), through the Pulumi Kubernetes provider configured
// from the cluster's kubeconfig output: kube-prometheus-stack with an events exporter, or
// the Datadog agent with its key in a Kubernetes Secret, and the demo service. The charts'
// versions and values come from components/monitoring, where they are defined once.
package kubeaddons

import (
	"fmt"
	"strings"

	"github.com/clusterbench/clusterbench/components/monitoring"
	"github.com/clusterbench/clusterbench/components/spec"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	helmv3 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v3"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	rbacv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/rbac/v1"
	storagev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/storage/v1"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/yaml"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	goyaml "gopkg.in/yaml.v3"
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
	b := &builder{ctx: ctx, name: name, s: s, opts: []pulumi.ResourceOption{pulumi.Parent(c), pulumi.Provider(provider)}}
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
	ctx  *pulumi.Context
	name string
	s    *spec.Spec
	opts []pulumi.ResourceOption
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

// eventsExporter: kubernetes-event-exporter, allowed to read events only, sending Warning
// events to Alertmanager as alerts.
func (b *builder) eventsExporter(ns *corev1.Namespace, stack *helmv3.Release) error {
	const app = "events-exporter"
	n := b.name + "-" + app
	sa, err := corev1.NewServiceAccount(b.ctx, n, &corev1.ServiceAccountArgs{Metadata: meta(app, monitoring.Namespace)}, b.with(pulumi.DependsOn([]pulumi.Resource{ns}))...)
	if err != nil {
		return err
	}
	role, err := rbacv1.NewClusterRole(b.ctx, n, &rbacv1.ClusterRoleArgs{
		Metadata: meta("clusterbench-"+app, ""),
		Rules: rbacv1.PolicyRuleArray{rbacv1.PolicyRuleArgs{
			ApiGroups: pulumi.StringArray{pulumi.String(""), pulumi.String("events.k8s.io")},
			Resources: pulumi.StringArray{pulumi.String("events")},
			Verbs:     pulumi.StringArray{pulumi.String("get"), pulumi.String("list"), pulumi.String("watch")},
		}},
	}, b.opts...)
	if err != nil {
		return err
	}
	if _, err := rbacv1.NewClusterRoleBinding(b.ctx, n, &rbacv1.ClusterRoleBindingArgs{
		Metadata: meta("clusterbench-"+app, ""),
		RoleRef:  rbacv1.RoleRefArgs{ApiGroup: pulumi.String("rbac.authorization.k8s.io"), Kind: pulumi.String("ClusterRole"), Name: role.Metadata.Name().Elem()},
		Subjects: rbacv1.SubjectArray{rbacv1.SubjectArgs{Kind: pulumi.String("ServiceAccount"), Name: pulumi.String(app), Namespace: pulumi.String(monitoring.Namespace)}},
	}, b.opts...); err != nil {
		return err
	}
	cm, err := corev1.NewConfigMap(b.ctx, n, &corev1.ConfigMapArgs{
		Metadata: meta(app, monitoring.Namespace),
		Data:     pulumi.StringMap{"config.yaml": pulumi.String(monitoring.EventsExporterConfig())},
	}, b.with(pulumi.DependsOn([]pulumi.Resource{ns}))...)
	if err != nil {
		return err
	}
	w, _ := monitoring.WorkloadNamed(spec.Managed, app)
	labels := pulumi.StringMap{"app.kubernetes.io/name": pulumi.String(app)}
	_, err = appsv1.NewDeployment(b.ctx, n, &appsv1.DeploymentArgs{
		Metadata: meta(app, monitoring.Namespace),
		Spec: appsv1.DeploymentSpecArgs{
			Replicas: pulumi.Int(1),
			Selector: &metav1.LabelSelectorArgs{MatchLabels: labels},
			Template: corev1.PodTemplateSpecArgs{
				Metadata: &metav1.ObjectMetaArgs{Labels: labels},
				Spec: corev1.PodSpecArgs{
					ServiceAccountName: pulumi.String(app),
					SecurityContext:    &corev1.PodSecurityContextArgs{RunAsNonRoot: pulumi.Bool(true), RunAsUser: pulumi.Int(65534), SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")}},
					Containers: corev1.ContainerArray{corev1.ContainerArgs{
						Name:  pulumi.String(app),
						Image: pulumi.String(monitoring.EventsExporterImage),
						Args:  pulumi.StringArray{pulumi.String("-conf=/config/config.yaml")},
						Resources: &corev1.ResourceRequirementsArgs{Requests: pulumi.StringMap{
							"cpu": pulumi.String(w.Requests.CPU()), "memory": pulumi.String(w.Requests.Memory()),
						}},
						SecurityContext: &corev1.SecurityContextArgs{AllowPrivilegeEscalation: pulumi.Bool(false), ReadOnlyRootFilesystem: pulumi.Bool(true),
							Capabilities: &corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}}},
						VolumeMounts: corev1.VolumeMountArray{corev1.VolumeMountArgs{Name: pulumi.String("config"), MountPath: pulumi.String("/config")}},
					}},
					Volumes: corev1.VolumeArray{corev1.VolumeArgs{Name: pulumi.String("config"), ConfigMap: &corev1.ConfigMapVolumeSourceArgs{Name: pulumi.String(app)}}},
				},
			},
		},
	}, b.with(pulumi.DependsOn([]pulumi.Resource{sa, cm, stack}))...)
	return err
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
// the web tier's load balancer admits adminCidrs only.
func (b *builder) demo() error {
	objs, err := DemoObjects(b.s)
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

// DemoObjects decodes the demo's manifests (the Namespace first) and sets the web
// Service's loadBalancerSourceRanges to adminCidrs.
func DemoObjects(s *spec.Spec) ([]map[string]any, error) {
	dec := goyaml.NewDecoder(strings.NewReader(monitoring.DemoManifests))
	var objs []map[string]any
	for {
		var o map[string]any
		if err := dec.Decode(&o); err != nil {
			if err.Error() == "EOF" {
				break
			}
			return nil, fmt.Errorf("demo manifests: %w", err)
		}
		if o == nil {
			continue
		}
		if o["kind"] == "Service" && o["metadata"].(map[string]any)["name"] == "web" {
			ranges := make([]any, len(s.AdminCidrs))
			for i, c := range s.AdminCidrs {
				ranges[i] = c
			}
			o["spec"].(map[string]any)["loadBalancerSourceRanges"] = ranges
		}
		objs = append(objs, o)
	}
	if len(objs) == 0 || objs[0]["kind"] != "Namespace" {
		return nil, fmt.Errorf("demo manifests: the Namespace must come first")
	}
	return objs, nil
}
