package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Every renderer formats numbers and statuses through these helpers, so a figure reads
// the same in the terminal, in Markdown and in HTML.

// Money formats US dollars with thousands separators and cents: $1,234.56, -$74.40.
func Money(usd float64) string {
	return signed(usd, "$"+groupThousands(Amount(math.Abs(usd))))
}

// UnitPrice formats a catalog unit price: at least cents, and every significant digit
// up to seven decimals ($0.0335057), because unit prices are often fractions of a cent.
func UnitPrice(usd float64) string {
	return signed(usd, "$"+groupThousands(unitDigits(usd)))
}

// UnitAmount is UnitPrice without the currency sign or separators (for CSV).
func UnitAmount(usd float64) string {
	return signed(usd, unitDigits(usd))
}

func unitDigits(usd float64) string {
	s := strings.TrimRight(strconv.FormatFloat(math.Abs(usd), 'f', 7, 64), "0")
	if decimals := len(s) - strings.IndexByte(s, '.') - 1; decimals < 2 {
		s += strings.Repeat("0", 2-decimals)
	}
	return s
}

// Amount formats dollars to cents without a currency sign or separators (for CSV).
func Amount(usd float64) string {
	cents := math.Round(usd * 100)
	if cents == 0 {
		cents = 0 // no "-0.00"
	}
	return strconv.FormatFloat(cents/100, 'f', 2, 64)
}

// Quantity formats a cost line's quantity: no trailing zeros, at most four decimals.
func Quantity(q float64) string {
	s := strconv.FormatFloat(q, 'f', 4, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// Percent formats a share (0.67) as a percentage ("67%"), keeping one decimal if needed.
func Percent(share float64) string {
	s := strconv.FormatFloat(share*100, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0") + "%"
}

// SLAText shows a stack's SLA, or "none" where nobody promises one.
func SLAText(sla *string) string {
	if sla == nil || *sla == "" {
		return "none"
	}
	return *sla
}

// StatusText is how a stack's status reads in a report.
func StatusText(status string) string {
	switch status {
	case StatusNotAvailable:
		return "not available yet"
	case StatusError:
		return "error"
	default:
		return status
	}
}

// signed puts a minus sign in front of a formatted magnitude when v is negative.
func signed(v float64, magnitude string) string {
	if v < 0 && strings.Trim(magnitude, "$0.,") != "" {
		return "-" + magnitude
	}
	return magnitude
}

// groupThousands inserts commas into the integer part of a decimal string.
func groupThousands(s string) string {
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return b.String()
}

// StackCost is a stack's monthly total as every format shows it: a total with unpriced
// items is a lower bound and says so, never a complete-looking figure.
func StackCost(st *Stack) string {
	if len(st.Unpriced) > 0 {
		return fmt.Sprintf("at least %s (%d unpriced)", Money(st.MonthlyCostUSD), len(st.Unpriced))
	}
	return Money(st.MonthlyCostUSD)
}
