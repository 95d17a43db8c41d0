package spec

import (
	"regexp"
	"slices"
)

// Region names, by their spelling: AWS writes area-direction-number (us-east-1,
// us-gov-west-1), GCP area-directionNUMBER (us-central1, northamerica-northeast2).
// A value that is neither is a typo, not a region nobody has priced yet.
var regionSyntax = map[string]*regexp.Regexp{
	AWS: regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-(central|north|south|east|west|northeast|northwest|southeast|southwest)-[1-9][0-9]?$`),
	GCP: regexp.MustCompile(`^[a-z]{2,}-(central|north|south|east|west|northeast|northwest|southeast|southwest)[1-9][0-9]?$`),
}

// knownRegions are the regions each cloud had when this list was written (2026-11).
// A region that matches the spelling but is not listed is accepted with a warning: it
// may be new (the price catalog then says which prices are missing).
var knownRegions = map[string][]string{
	AWS: {
		"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
		"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "cn-north-1",
		"cn-northwest-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
		"eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1",
		"sa-east-1", "us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-west-1", "us-west-2",
	},
	GCP: {
		"africa-south1", "asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3",
		"asia-south1", "asia-south2", "asia-southeast1", "asia-southeast2", "australia-southeast1",
		"australia-southeast2", "europe-central2", "europe-north1", "europe-north2", "europe-southwest1",
		"europe-west1", "europe-west10", "europe-west12", "europe-west2", "europe-west3", "europe-west4",
		"europe-west6", "europe-west8", "europe-west9", "me-central1", "me-central2", "me-west1",
		"northamerica-northeast1", "northamerica-northeast2", "northamerica-south1", "southamerica-east1",
		"southamerica-west1", "us-central1", "us-east1", "us-east4", "us-east5", "us-south1", "us-west1",
		"us-west2", "us-west3", "us-west4",
	},
}

var (
	cloudNames  = map[string]string{AWS: "AWS", GCP: "GCP"}
	withArticle = map[string]string{AWS: "an AWS", GCP: "a GCP"}
)

// checkRegion refuses a region that is not spelled as one of the cloud's regions (naming
// the other cloud when it is one of its regions) and warns about one the list lacks.
func checkRegion(cloud, region string, ps *problems) {
	key := cloud + ":region"
	other := GCP
	if cloud == GCP {
		other = AWS
	}
	example := map[string]string{AWS: "us-east-1, eu-west-2", GCP: "us-central1, europe-west1"}[cloud]
	switch {
	case regionSyntax[cloud].MatchString(region) && slices.Contains(knownRegions[cloud], region):
	case regionSyntax[other].MatchString(region):
		ps.add(key, region, "is %s region name, not %s one (e.g. %s); check clusterbench:cloud and the region", withArticle[other], withArticle[cloud], example)
	case !regionSyntax[cloud].MatchString(region):
		ps.add(key, region, "is not %s region name: lower case, no spaces, e.g. %s", withArticle[cloud], example)
	default:
		ps.warn(key, region, "is spelled like a %s region but is not a region clusterbench knows; costs in it are unpriced unless a --prices file adds them", cloudNames[cloud])
	}
}
