package nodegroup

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DebianOwner is the AWS account that publishes the official Debian AMIs
// (wiki.debian.org/Cloud/AmazonEC2Image).
const DebianOwner = "136693973446"

// LookupAwsImage finds the newest official Debian 12 amd64 AMI of the region.
func LookupAwsImage(ctx *pulumi.Context) (string, error) {
	ami, err := ec2.LookupAmi(ctx, &ec2.LookupAmiArgs{
		MostRecent: pulumi.BoolRef(true),
		Owners:     []string{DebianOwner},
		Filters: []ec2.GetAmiFilter{
			{Name: "name", Values: []string{"debian-12-amd64-*"}},
			{Name: "architecture", Values: []string{"x86_64"}},
			{Name: "virtualization-type", Values: []string{"hvm"}},
		},
	})
	if err != nil {
		return "", err
	}
	return ami.Id, nil
}

// AwsGroupArgs describe one launch template and the autoscaling group that runs it.
type AwsGroupArgs struct {
	// Role is the value of the clusterbench/role tag (RoleControlPlane, RoleWorker…).
	Role         string
	ImageID      string
	InstanceType string
	// RootDiskGB is the encrypted gp3 root volume's size.
	RootDiskGB int
	// SubnetIDs: one subnet pins the group to its zone; several spread it.
	SubnetIDs           pulumi.StringArrayInput
	SecurityGroupIDs    pulumi.StringArrayInput
	InstanceProfileName pulumi.StringInput
	// UserData is the rendered bootstrap script (plain text; encoded here).
	UserData pulumi.StringInput
	Size     Size
	// TargetGroupARNs register the group's instances with load balancers.
	TargetGroupARNs pulumi.StringArrayInput
	// Tags go on the template, its instances and volumes, and the group (propagated).
	Tags map[string]string
}

// AwsGroup is a launch template and its autoscaling group.
type AwsGroup struct {
	LaunchTemplate *ec2.LaunchTemplate
	Group          *autoscaling.Group
}

// NewAwsGroup registers the launch template name+"-lt" and the group name, with opts
// (the caller's component as parent).
func NewAwsGroup(ctx *pulumi.Context, name string, args *AwsGroupArgs, opts ...pulumi.ResourceOption) (*AwsGroup, error) {
	tags := withRole(args.Tags, RoleTagAWS, args.Role)
	userData := args.UserData.ToStringOutput().ApplyT(EncodeAwsUserData).(pulumi.StringOutput)
	lt, err := ec2.NewLaunchTemplate(ctx, name+"-lt", &ec2.LaunchTemplateArgs{
		NamePrefix:   pulumi.String(name + "-"),
		ImageId:      pulumi.String(args.ImageID),
		InstanceType: pulumi.String(args.InstanceType),
		// No secret ever goes into user data (join material lives in the store), so it
		// stays readable in previews and diffs.
		UserData: userData,
		IamInstanceProfile: &ec2.LaunchTemplateIamInstanceProfileArgs{
			Name: args.InstanceProfileName,
		},
		VpcSecurityGroupIds: args.SecurityGroupIDs,
		// IMDSv2 only, one hop: a container cannot reach the node's credentials
		// (AWS EC2 user guide, "Configure the instance metadata options"; CKV_AWS_79).
		MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint:            pulumi.String("enabled"),
			HttpTokens:              pulumi.String("required"),
			HttpPutResponseHopLimit: pulumi.Int(1),
			InstanceMetadataTags:    pulumi.String("disabled"),
		},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{&ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String("/dev/xvda"), // Debian AMIs' root device
			Ebs: &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeSize:          pulumi.Int(args.RootDiskGB),
				VolumeType:          pulumi.String("gp3"),
				Encrypted:           pulumi.String("true"),
				DeleteOnTermination: pulumi.String("true"),
			},
		}},
		Monitoring: &ec2.LaunchTemplateMonitoringArgs{Enabled: pulumi.Bool(false)},
		TagSpecifications: ec2.LaunchTemplateTagSpecificationArray{
			&ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("instance"), Tags: pulumi.ToStringMap(tags)},
			&ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("volume"), Tags: pulumi.ToStringMap(tags)},
		},
		Tags: pulumi.ToStringMap(tags),
	}, opts...)
	if err != nil {
		return nil, err
	}
	groupTags := autoscaling.GroupTagArray{}
	for _, k := range sortedKeys(tags) {
		groupTags = append(groupTags, autoscaling.GroupTagArgs{Key: pulumi.String(k), Value: pulumi.String(tags[k]), PropagateAtLaunch: pulumi.Bool(true)})
	}
	group, err := autoscaling.NewGroup(ctx, name, &autoscaling.GroupArgs{
		NamePrefix:         pulumi.String(name + "-"),
		MinSize:            pulumi.Int(args.Size.Min),
		DesiredCapacity:    pulumi.Int(args.Size.Desired),
		MaxSize:            pulumi.Int(args.Size.Max),
		VpcZoneIdentifiers: args.SubnetIDs,
		LaunchTemplate: &autoscaling.GroupLaunchTemplateArgs{
			Id:      lt.ID(),
			Version: lt.LatestVersion.ApplyT(func(v int) string { return strconv.Itoa(v) }).(pulumi.StringOutput),
		},
		TargetGroupArns: args.TargetGroupARNs,
		// Replace an instance that fails its EC2 checks. Not the load balancer's health:
		// a member whose API is still starting (or whose etcd is rejoining) must not be
		// terminated for it.
		HealthCheckType:        pulumi.String("EC2"),
		HealthCheckGracePeriod: pulumi.Int(300),
		Tags:                   groupTags,
	}, append(opts, ignoreDesiredWhenScaling(args.Size)...)...)
	if err != nil {
		return nil, err
	}
	return &AwsGroup{LaunchTemplate: lt, Group: group}, nil
}

// ignoreDesiredWhenScaling: a group that may scale has its desired size moved by the
// autoscaler, and the next `pulumi up` must not undo that; a member group of one never
// scales, and its size stays enforced.
func ignoreDesiredWhenScaling(size Size) []pulumi.ResourceOption {
	if size.Min == size.Max {
		return nil
	}
	return []pulumi.ResourceOption{pulumi.IgnoreChanges([]string{"desiredCapacity"})}
}

// MaxAwsUserData is EC2's limit on user data before base64 (EC2 user guide, "Work with
// instance user data": 16 KB).
const MaxAwsUserData = 16 * 1024

// EncodeAwsUserData gzips a script and base64-encodes it for a launch template. The
// bootstraps are larger than EC2's 16 KB user-data limit as plain text; cloud-init
// recognises gzip-compressed user data and runs the script inside (cloud-init docs,
// "User data formats": compressed content). A test keeps every rendered script under
// the limit once compressed.
func EncodeAwsUserData(script string) (string, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := zw.Write([]byte(script)); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	if buf.Len() > MaxAwsUserData {
		return "", fmt.Errorf("user data is %d bytes gzipped, over EC2's %d-byte limit", buf.Len(), MaxAwsUserData)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// DecodeAwsUserData reverses EncodeAwsUserData (tests read the scripts back).
func DecodeAwsUserData(encoded string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return "", err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return "", err
	}
	defer zr.Close()
	out, err := io.ReadAll(zr)
	return string(out), err
}

func withRole(tags map[string]string, key, role string) map[string]string {
	out := map[string]string{key: role}
	for k, v := range tags {
		out[k] = v
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
