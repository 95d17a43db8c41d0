package spec

import (
	"regexp"
	"strings"
)

// ec2Family splits an instance type's family ("m7gd" of m7gd.large) into its series
// letters ("m"), generation ("7") and attribute letters ("gd"), as AWS names them
// (EC2 User Guide, "Amazon EC2 instance type naming conventions").
var ec2Family = regexp.MustCompile(`^([a-z]+)(\d+)([a-z]*)(-[a-z0-9]+)?\.`)

// acceleratedSeries are the EC2 series whose instances carry GPUs or ML accelerators
// (G and P: NVIDIA GPUs; Inf, Trn: AWS Inferentia and Trainium; DL: Gaudi). Their
// nodes need an accelerated AMI type (AL2023_x86_64_NVIDIA, _NEURON) and a device
// plugin, which the program does not set up.
var acceleratedSeries = []string{"g", "p", "inf", "trn", "dl"}

// Ec2Graviton reports an AWS Graviton (arm64) instance type: the attribute letters
// contain "g" (t4g, m6gd, c7gn, m7g) or it is the first-generation a1.
func Ec2Graviton(machineType string) bool {
	m := ec2Family.FindStringSubmatch(machineType)
	if m == nil {
		return false
	}
	return m[1]+m[2] == "a1" || strings.Contains(m[3], "g")
}

// ec2Accelerated reports a GPU or accelerator instance type (g5, gr6, p4d, inf2, trn1).
func ec2Accelerated(machineType string) bool {
	m := ec2Family.FindStringSubmatch(machineType)
	if m == nil {
		return false
	}
	for _, series := range acceleratedSeries {
		if m[1] == series || (len(series) == 1 && strings.HasPrefix(m[1], series)) {
			return true
		}
	}
	return false
}
