using System.Buffers;
using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace LlmGateway.Guard;

/// <summary>
/// The built-in detectors: one source-generated regex per category, each followed by a check that the regex cannot
/// make (a checksum, a decodable JWT header, a known card prefix). A cheap character test skips a regex when its
/// anchor cannot be in the text (no '@', no digit), so the scan of ordinary prose costs little.
/// </summary>
internal static partial class BuiltInDetectors
{
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    // The key regex starts on common letters (s, a, g, h, x); one multi-string search for its fixed prefixes first
    // skips it for almost every prompt.
    private static readonly SearchValues<string> KeyPrefixes = SearchValues.Create(
        ["sk-", "AKIA", "ASIA", "ABIA", "ACCA", "AIza", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox", "hooks.slack.com", "aws_secret_access_key"],
        StringComparison.OrdinalIgnoreCase);

    private static readonly SearchValues<string> PasswordKeys = SearchValues.Create(["password", "pwd", "accountkey", "sharedaccesskey"], StringComparison.OrdinalIgnoreCase);

    // What looks like name@host.ext but names a file ("setup@1n.exe").
    private static readonly FrozenSet<string> FileExtensions = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "exe", "dll", "zip", "rar", "txt", "pdf", "png", "jpg", "jpeg", "gif", "doc", "docx", "xls", "xlsx", "js", "py", "cs", "json", "xml", "html", "htm", "php", "bin", "iso", "mp3", "mp4");

    /// <summary>Adds the findings of every category in <paramref name="enabled"/> to <paramref name="findings"/> (unordered, may overlap).</summary>
    public static void Scan(string text, CategorySet enabled, List<Finding> findings)
    {
        var hasDigit = text.AsSpan().IndexOfAnyInRange('0', '9') >= 0;
        if (enabled.Contains(GuardCategory.ApiKey))
            AddApiKeys(text, findings);
        if (enabled.Contains(GuardCategory.PrivateKey) && text.Contains("-----BEGIN", StringComparison.Ordinal))
            Add(text, PrivateKey(), GuardCategory.PrivateKey, findings);
        if (enabled.Contains(GuardCategory.Jwt) && text.Contains("eyJ", StringComparison.Ordinal))
            Add(text, Jwt(), GuardCategory.Jwt, findings, IsJwt);
        if (enabled.Contains(GuardCategory.ConnectionString))
        {
            if (text.Contains("://", StringComparison.Ordinal))
                Add(text, UrlWithPassword(), GuardCategory.ConnectionString, findings);
            if (text.Contains('=') && text.AsSpan().IndexOfAny(PasswordKeys) >= 0)
                Add(text, KeyValueConnectionString(), GuardCategory.ConnectionString, findings);
        }
        if (enabled.Contains(GuardCategory.Email))
            AddEmails(text, findings);
        if (!hasDigit)
            return;
        if (enabled.Contains(GuardCategory.CreditCard))
            Add(text, CardNumber(), GuardCategory.CreditCard, findings, IsCard);
        if (enabled.Contains(GuardCategory.Iban))
            Add(text, Iban(), GuardCategory.Iban, findings, m => Checksums.IbanMod97(WithoutSeparators(m)));
        if (enabled.Contains(GuardCategory.MyNumber))
            Add(text, TwelveDigits(), GuardCategory.MyNumber, findings, m => Checksums.MyNumber(WithoutSeparators(m)));
        if (enabled.Contains(GuardCategory.CorporateNumber))
            Add(text, ThirteenDigits(), GuardCategory.CorporateNumber, findings, m => Checksums.CorporateNumber(WithoutSeparators(m)));
        if (enabled.Contains(GuardCategory.Phone))
        {
            if (text.Contains('+'))
                Add(text, InternationalPhone(), GuardCategory.Phone, findings, m => CountDigits(m) is >= 8 and <= 15);
            Add(text, JapanesePhone(), GuardCategory.Phone, findings, m => CountDigits(m) is 10 or 11);
        }
        if (enabled.Contains(GuardCategory.Address))
            Add(text, JapaneseAddress(), GuardCategory.Address, findings);
        if (enabled.Contains(GuardCategory.IpAddress))
        {
            if (text.Contains('.'))
                Add(text, IPv4(), GuardCategory.IpAddress, findings);
            if (HasHexColon(text))
                Add(text, IPv6(), GuardCategory.IpAddress, findings, IsIPv6);
        }
    }

    // Key regexes start at one of a few fixed prefixes: find those (one vectorised multi-string search), check the
    // character before, and run the anchored regex only there. Prose full of "s" and "a" costs nothing.
    private static void AddApiKeys(string text, List<Finding> findings)
    {
        var from = 0;
        while (from < text.Length)
        {
            var at = text.AsSpan(from).IndexOfAny(KeyPrefixes);
            if (at < 0)
                return;
            at += from;
            from = at + 1;
            if (at > 0 && (char.IsAsciiLetterOrDigit(text[at - 1]) || text[at - 1] is '_' or '-'))
                continue;
            foreach (var match in ApiKey().EnumerateMatches(text.AsSpan(at)))
            {
                if (IsApiKey(text.AsSpan(at, match.Length)))
                {
                    findings.Add(new Finding(at, match.Length, GuardCategory.ApiKey));
                    from = at + match.Length;
                }
            }
        }
    }

    // Anchored on each '@': back over the local part, then the anchored regex from its start.
    private static void AddEmails(string text, List<Finding> findings)
    {
        var from = 0;
        while (from < text.Length)
        {
            var at = text.IndexOf('@', from);
            if (at < 0)
                return;
            from = at + 1;
            var start = at;
            while (start > 0 && at - start <= 64 && IsLocalChar(text[start - 1]))
                start--;
            if (start == at || at - start > 64 || (start > 0 && findings.Count > 0 && findings[^1].Category == GuardCategory.Email && findings[^1].End > start))
                continue;
            foreach (var match in Email().EnumerateMatches(text.AsSpan(start)))
            {
                if (IsEmail(text.AsSpan(start, match.Length)))
                {
                    findings.Add(new Finding(start, match.Length, GuardCategory.Email));
                    from = start + match.Length;
                }
            }
        }
    }

    private static bool IsLocalChar(char ch) => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '%' or '+' or '-';

    private static void Add(string text, Regex regex, GuardCategory category, List<Finding> findings, Func<ReadOnlySpan<char>, bool>? check = null)
    {
        foreach (var match in regex.EnumerateMatches(text))
        {
            if (check is null || check(text.AsSpan(match.Index, match.Length)))
                findings.Add(new Finding(match.Index, match.Length, category));
        }
    }

    // OpenAI (legacy sk-…, sk-proj-/sk-svcacct-/sk-admin-), Anthropic (sk-ant-…), AWS access key ids and a labelled
    // secret access key, GCP API keys, GitHub tokens (classic and fine-grained), Slack tokens and webhooks.
    [GeneratedRegex(@"\A(sk-ant-(api|admin|sid)[0-9]{2}-[A-Za-z0-9_-]{32,}|sk-(proj|svcacct|admin)-[A-Za-z0-9_-]{32,}|sk-[A-Za-z0-9]{32,}|(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])|AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255}|xox[abposr]-[A-Za-z0-9-]{10,}|hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+)|(?i:aws_secret_access_key)[""']?\s*[:=]\s*[""']?[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])", Options)]
    private static partial Regex ApiKey();

    // A key is random: it mixes letters and digits. "sk-learn…" style words and all-letter identifiers are not keys.
    private static bool IsApiKey(ReadOnlySpan<char> match) =>
        match.IndexOfAnyInRange('0', '9') >= 0 && (match.IndexOfAnyInRange('a', 'z') >= 0 || match.IndexOfAnyInRange('A', 'Z') >= 0);

    // Through the END line; a key pasted without its END line is redacted to the end of the text.
    [GeneratedRegex(@"-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----[\s\S]*?(-----END ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----|\z)", Options)]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}(?![A-Za-z0-9_-])", Options)]
    private static partial Regex Jwt();

    // The header must decode to JSON naming an algorithm: random "eyJ…" strings are not tokens.
    private static bool IsJwt(ReadOnlySpan<char> match)
    {
        var header = match[..match.IndexOf('.')];
        Span<char> base64 = stackalloc char[header.Length + 3];
        header.CopyTo(base64);
        var length = header.Length;
        while (length % 4 != 0)
            base64[length++] = '=';
        for (var i = 0; i < length; i++)
            base64[i] = base64[i] switch { '-' => '+', '_' => '/', var c => c };
        Span<byte> bytes = stackalloc byte[length];
        return Convert.TryFromBase64Chars(base64[..length], bytes, out var written)
            && bytes[..written].IndexOf("\"alg\""u8) >= 0;
    }

    // scheme://user:password@host — a URL with a user but no password is not a secret.
    [GeneratedRegex(@"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,20}://[^\s:/@""'<>]+:[^\s@/""'<>]+@[^\s/""'<>?#]+", Options)]
    private static partial Regex UrlWithPassword();

    // ADO.NET / ODBC / JDBC-style "Server=…;…;Password=…" (a server key and a password key in one string).
    [GeneratedRegex(@"(?i)\b(server|host|data source|address|addr|endpoint)\s*=[^;\r\n""']+;([^;\r\n""']*;)*?\s*(password|pwd|accountkey|sharedaccesskey)\s*=\s*[^;\s""']+", Options)]
    private static partial Regex KeyValueConnectionString();

    // Starts only at the start of a local part (lookbehind), so a long run of word characters is not rescanned.
    [GeneratedRegex(@"\A[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])", Options)]
    private static partial Regex Email();

    private static bool IsEmail(ReadOnlySpan<char> match)
    {
        var tld = match[(match.LastIndexOf('.') + 1)..];
        return !(tld.Length <= 4 && FileExtensions.Contains(tld.ToString()));
    }

    // An IPv6 address has a colon between two hex digits or a "::"; prose colons ("Note: ...") are followed by a space.
    private static bool HasHexColon(string text)
    {
        for (var at = text.IndexOf(':'); at >= 0 && at < text.Length - 1; at = text.IndexOf(':', at + 1))
        {
            if (char.IsAsciiHexDigit(text[at + 1]) || text[at + 1] == ':')
            {
                if (at > 0 && (char.IsAsciiHexDigit(text[at - 1]) || text[at - 1] == ':'))
                    return true;
            }
        }
        return false;
    }

    // 13 to 19 digits, optionally grouped by single spaces or hyphens; not part of a longer number.
    [GeneratedRegex(@"(?<![0-9][ -]?)[0-9]([ -]?[0-9]){12,18}(?![ -]?[0-9])", Options)]
    private static partial Regex CardNumber();

    private static bool IsCard(ReadOnlySpan<char> match)
    {
        var digits = WithoutSeparators(match);
        return digits.Length is >= 13 and <= 19 && Checksums.KnownCardPrefix(digits) && Checksums.Luhn(digits);
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}( ?[A-Z0-9]{4}){2,7}( ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])", Options)]
    private static partial Regex Iban();

    // 4-4-4 as printed on the card, or 12 digits in a row.
    [GeneratedRegex(@"(?<![0-9][ -]?)[0-9]{4}([ -]?)[0-9]{4}\1[0-9]{4}(?![ -]?[0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex TwelveDigits();

    [GeneratedRegex(@"(?<![0-9][ -]?)[0-9]([ -]?)[0-9]{4}\1[0-9]{4}\1[0-9]{4}(?![ -]?[0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex ThirteenDigits();

    // +CC then groups separated by a space, hyphen or dot, an optional (area); the digit count is checked after.
    [GeneratedRegex(@"(?<![0-9A-Za-z+])\+[1-9][0-9]{0,2}[ .-]?(\(0?[0-9]{1,4}\)[ .-]?)?[0-9]{1,4}([ .-]?[0-9]{2,4}){1,4}(?![0-9])", Options)]
    private static partial Regex InternationalPhone();

    // Japanese numbers: 0X-XXXX-XXXX style with hyphens, 03(1234)5678, or an unseparated mobile/IP number (070/080/090/050).
    [GeneratedRegex(@"(?<![0-9-])(0[0-9]{1,4}-[0-9]{1,4}-[0-9]{3,4}|0[0-9]{1,4}\([0-9]{1,4}\)[0-9]{4}|0[5789]0[0-9]{8})(?![0-9-])", Options)]
    private static partial Regex JapanesePhone();

    // 〒 and a postal code (the mark says "address"), or a postal code followed by a prefecture; either way through
    // the rest of the address, up to whitespace or punctuation.
    [GeneratedRegex(@"〒\s?[0-9]{3}[-‐－ー−]?[0-9]{4}(?![0-9])(\s?(東京都|北海道|大阪府|京都府|\p{IsCJKUnifiedIdeographs}{2,3}県)[^\s、。,，()（）「」]{0,60})?|(?<![0-9-])[0-9]{3}[-‐－ー−][0-9]{4}(?![0-9])\s?(東京都|北海道|大阪府|京都府|\p{IsCJKUnifiedIdeographs}{2,3}県)[^\s、。,，()（）「」]{0,60}", Options)]
    private static partial Regex PostalCodeAndAddress();

    private static Regex JapaneseAddress() => PostalCodeAndAddress();

    [GeneratedRegex(@"(?<![0-9.])((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?!\.?[0-9])", Options)]
    private static partial Regex IPv4();

    [GeneratedRegex(@"(?<![0-9A-Fa-f:.])([0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])", Options)]
    private static partial Regex IPv6();

    // At least three non-empty groups and a valid address: "std::vector" or a clock time "12:30:45" is not one.
    private static bool IsIPv6(ReadOnlySpan<char> match)
    {
        var groups = 0;
        foreach (var range in match.Split(':'))
        {
            if (range.End.GetOffset(match.Length) > range.Start.GetOffset(match.Length))
                groups++;
        }
        return groups >= 3 && IPAddress.TryParse(match, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    private static ReadOnlySpan<char> WithoutSeparators(ReadOnlySpan<char> match)
    {
        if (match.IndexOfAny(' ', '-') < 0)
            return match;
        var chars = new char[match.Length];
        var n = 0;
        foreach (var ch in match)
        {
            if (ch is not (' ' or '-'))
                chars[n++] = ch;
        }
        return chars.AsSpan(0, n);
    }

    private static int CountDigits(ReadOnlySpan<char> match)
    {
        var n = 0;
        foreach (var ch in match)
        {
            if (ch is >= '0' and <= '9')
                n++;
        }
        return n;
    }
}
