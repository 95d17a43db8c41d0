package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNumbersFormatTheSameEverywhere(t *testing.T) {
	sla := "99.5%"
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"money has thousands separators and cents", Money(1234.56), "$1,234.56"},
		{"money over a million groups every thousand", Money(1234567.891), "$1,234,567.89"},
		{"money under a thousand has no separator", Money(73), "$73.00"},
		{"a credit is negative money", Money(-74.4), "-$74.40"},
		{"money that rounds to zero has no minus sign", Money(-0.001), "$0.00"},
		{"unit prices keep fractions of a cent", UnitPrice(0.0335057), "$0.0335057"},
		{"unit prices show at least cents", UnitPrice(0.1), "$0.10"},
		{"large unit prices are grouped", UnitPrice(1500), "$1,500.00"},
		{"negative unit price", UnitPrice(-74.4), "-$74.40"},
		{"unit amount for CSV has no sign or separator", UnitAmount(1500.045), "1500.045"},
		{"amount for CSV rounds to cents", Amount(182.208), "182.21"},
		{"quantity drops trailing zeros", Quantity(730), "730"},
		{"quantity keeps up to four decimals", Quantity(1.0 / 3), "0.3333"},
		{"share as whole percent", Percent(0.67), "67%"},
		{"share with a half percent", Percent(0.125), "12.5%"},
		{"whole capacity", Percent(1), "100%"},
		{"no SLA reads none", SLAText(nil), "none"},
		{"SLA as promised", SLAText(&sla), "99.5%"},
		{"not-available status reads as a sentence", StatusText(StatusNotAvailable), "not available yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got)
		})
	}
}
