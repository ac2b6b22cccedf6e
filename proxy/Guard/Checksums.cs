namespace LlmGateway.Guard;

/// <summary>
/// The check digits that turn a digit pattern into a precise detector: a random 16-digit order number passes Luhn
/// one time in ten, a random IBAN-shaped string passes mod 97 about one time in a hundred.
/// Inputs are the digits (and letters, for IBAN) with separators already removed.
/// </summary>
internal static class Checksums
{
    /// <summary>Payment cards (ISO/IEC 7812): doubling every second digit from the right, the sum is a multiple of 10.</summary>
    public static bool Luhn(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubled && (d *= 2) > 9)
                d -= 9;
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    /// <summary>ISO 13616: move the first four characters to the end, letters become 10..35, the number mod 97 is 1.</summary>
    public static bool IbanMod97(ReadOnlySpan<char> iban)
    {
        if (iban.Length < 15 || iban.Length > 34)
            return false;
        var remainder = 0;
        for (var i = 0; i < iban.Length; i++)
        {
            var ch = iban[(i + 4) % iban.Length];
            if (ch is >= '0' and <= '9')
                remainder = (remainder * 10 + (ch - '0')) % 97;
            else if (ch is >= 'A' and <= 'Z')
                remainder = (remainder * 100 + (ch - 'A' + 10)) % 97;
            else
                return false;
        }
        return remainder == 1;
    }

    /// <summary>
    /// Japanese individual number (マイナンバー, 12 digits), last digit is the check digit: with P(n) the n-th digit from
    /// the right of the first eleven and Q(n) = n + 1 (n ≤ 6) or n − 5 (n ≥ 7), r = ΣP·Q mod 11, check = r ≤ 1 ? 0 : 11 − r.
    /// </summary>
    public static bool MyNumber(ReadOnlySpan<char> digits)
    {
        if (digits.Length != 12)
            return false;
        var sum = 0;
        for (var n = 1; n <= 11; n++)
            sum += (digits[11 - n] - '0') * (n <= 6 ? n + 1 : n - 5);
        var r = sum % 11;
        return digits[11] - '0' == (r <= 1 ? 0 : 11 - r);
    }

    /// <summary>
    /// Japanese corporate number (法人番号, 13 digits), first digit is the check digit: with P(n) the n-th digit from the
    /// right of the last twelve and Q(n) = 1 (n odd) or 2 (n even), check = 9 − (ΣP·Q mod 9).
    /// </summary>
    public static bool CorporateNumber(ReadOnlySpan<char> digits)
    {
        if (digits.Length != 13)
            return false;
        var sum = 0;
        for (var n = 1; n <= 12; n++)
            sum += (digits[13 - n] - '0') * (n % 2 == 1 ? 1 : 2);
        return digits[0] - '0' == 9 - sum % 9;
    }

    /// <summary>Issuer prefixes of the card networks people paste (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay) with their lengths.</summary>
    public static bool KnownCardPrefix(ReadOnlySpan<char> d)
    {
        var len = d.Length;
        return d[0] switch
        {
            '4' => len is 13 or 16 or 19,
            '5' => Prefix(d, 2) is >= 51 and <= 55 && len == 16,
            '2' => Prefix(d, 4) is >= 2221 and <= 2720 && len == 16,
            '3' => (Prefix(d, 2) is 34 or 37 && len == 15) || (Prefix(d, 4) is >= 3528 and <= 3589 && len is >= 16 and <= 19) || (Prefix(d, 2) is 36 or 38 or 30 && len is >= 14 and <= 19),
            '6' => (Prefix(d, 4) == 6011 || Prefix(d, 2) == 65 || Prefix(d, 3) is >= 644 and <= 649 || Prefix(d, 2) == 62) && len is >= 16 and <= 19,
            _ => false,
        };
    }

    private static int Prefix(ReadOnlySpan<char> digits, int n)
    {
        var value = 0;
        for (var i = 0; i < n; i++)
            value = value * 10 + (digits[i] - '0');
        return value;
    }
}
