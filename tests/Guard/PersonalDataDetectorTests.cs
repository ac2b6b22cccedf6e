using LlmGateway.Guard;

namespace LlmGateway.Tests.Guard;

public sealed class PersonalDataDetectorTests
{
    [Theory]
    [InlineData("card 4111 1111 1111 1111 exp 12/29", "4111 1111 1111 1111")]
    [InlineData("5555555555554444", "5555555555554444")]
    [InlineData("amex 3782-822463-10005.", "3782-822463-10005")]
    [InlineData("JCB 3530111333300000", "3530111333300000")]
    [InlineData("Discover 6011-1111-1111-1117", "6011-1111-1111-1117")]
    [InlineData("MC 2223003122003222", "2223003122003222")]
    public void Payment_cards_are_found(string text, string expected) =>
        Assert.Equal([expected], GuardTestPolicies.Found(text, GuardCategory.CreditCard));

    [Theory]
    [InlineData("order 4111111111111112 shipped")] // fails Luhn
    [InlineData("order number 1234567812345670")] // passes Luhn, but no card network starts with 1
    [InlineData("tracking 9999999999999995")] // passes Luhn, no network
    [InlineData("id 41111111111111110000")] // longer than any card
    [InlineData("4111 1111 1111")] // too short
    public void Numbers_that_are_not_cards_are_not_found(string text) =>
        Assert.Empty(GuardTestPolicies.Found(text, GuardCategory.CreditCard));

    [Theory]
    [InlineData("IBAN GB82 WEST 1234 5698 7654 32 please", "GB82 WEST 1234 5698 7654 32")]
    [InlineData("DE89370400440532013000", "DE89370400440532013000")]
    public void Ibans_are_found(string text, string expected) =>
        Assert.Equal([expected], GuardTestPolicies.Found(text, GuardCategory.Iban));

    [Theory]
    [InlineData("GB82 WEST 1234 5698 7654 33")] // fails mod 97
    [InlineData("DE89370400440532013001")]
    [InlineData("ISO8601 FORMAT")]
    public void Iban_look_alikes_are_not_found(string text) => Assert.Empty(GuardTestPolicies.Found(text, GuardCategory.Iban));

    [Theory]
    [InlineData("mail john.doe@example.com today", "john.doe@example.com")]
    [InlineData("宛先: taro.yamada+test@mail.co.jp まで", "taro.yamada+test@mail.co.jp")]
    [InlineData("<a_b-c@sub.domain-x.org>", "a_b-c@sub.domain-x.org")]
    public void Emails_are_found(string text, string expected) =>
        Assert.Equal([expected], GuardTestPolicies.Found(text, GuardCategory.Email));

    [Theory]
    [InlineData("ssh user@localhost")]
    [InlineData("thanks @john for the review")]
    [InlineData("a@b.c")]
    [InlineData("decorator @Override and x@y")]
    [InlineData("run KMS-R@1n.exe as admin")] // a file name, not an address
    public void Email_look_alikes_are_not_found(string text) => Assert.Empty(GuardTestPolicies.Found(text, GuardCategory.Email));

    [Theory]
    [InlineData("call +1 (555) 123-4567 now", "+1 (555) 123-4567")]
    [InlineData("携帯 +81 90-1234-5678", "+81 90-1234-5678")]
    [InlineData("London +44 20 7946 0958", "+44 20 7946 0958")]
    [InlineData("電話 03-1234-5678 まで", "03-1234-5678")]
    [InlineData("携帯 090-1234-5678", "090-1234-5678")]
    [InlineData("09012345678に電話", "09012345678")]
    [InlineData("本社 03(1234)5678", "03(1234)5678")]
    [InlineData("フリーダイヤル 0120-123-456", "0120-123-456")]
    public void Phone_numbers_are_found(string text, string expected) =>
        Assert.Equal([expected], GuardTestPolicies.Found(text, GuardCategory.Phone));

    [Theory]
    [InlineData("released 2024-01-15")]
    [InlineData("03-1234-567 is a digit short")]
    [InlineData("score +5 points, +12 34")]
    [InlineData("id 0123456789")] // ten digits unseparated: not a mobile number
    [InlineData("01-02-2024")]
    public void Phone_look_alikes_are_not_found(string text) => Assert.Empty(GuardTestPolicies.Found(text, GuardCategory.Phone));

    [Theory]
    [InlineData("マイナンバー 123456789018 です", "123456789018")]
    [InlineData("個人番号: 1234 5678 9018", "1234 5678 9018")]
    [InlineData("987654321018", "987654321018")]
    public void My_numbers_are_found(string text, string expected) =>
        Assert.Equal([expected], GuardTestPolicies.Found(text, GuardCategory.MyNumber));

    [Theory]
    [InlineData("伝票番号 123456789012")] // fails the check digit
    [InlineData("1234 5678 9012")]
    [InlineData("1234567890180")] // 13 digits
    [InlineData("1234-5678 9018")] // mixed separators
    public void My_number_look_alikes_are_not_found(string text) => Assert.Empty(GuardTestPolicies.Found(text, GuardCategory.MyNumber));

    [Theory]
    [InlineData("国税庁の法人番号は7000012050002です", "7000012050002")]
    [InlineData("法人番号 7-0000-1205-0002", "7-0000-1205-0002")]
    public void Corporate_numbers_are_found(string text, string expected) =>
        Assert.Equal([expected], GuardTestPolicies.Found(text, GuardCategory.CorporateNumber));

    [Theory]
    [InlineData("1000012050002")] // fails the check digit
    [InlineData("700001205000")] // 12 digits
    public void Corporate_number_look_alikes_are_not_found(string text) =>
        Assert.Empty(GuardTestPolicies.Found(text, GuardCategory.CorporateNumber));

    [Theory]
    [InlineData("住所: 〒100-0001 東京都千代田区千代田1-1 です", "〒100-0001 東京都千代田区千代田1-1")]
    [InlineData("送り先 530-0001 大阪府大阪市北区梅田3-1", "530-0001 大阪府大阪市北区梅田3-1")]
    [InlineData("〒2310023 神奈川県横浜市中区山下町", "〒2310023 神奈川県横浜市中区山下町")]
    [InlineData("〒060-0001", "〒060-0001")]
    public void Postal_codes_with_addresses_are_found(string text, string expected) =>
        Assert.Equal([expected], GuardTestPolicies.Found(text, GuardCategory.Address));

    [Theory]
    [InlineData("part number 123-4567 is in stock")] // no 〒, no prefecture
    [InlineData("東京都の人口は？")]
    [InlineData("call 100-0001 now")]
    public void Address_look_alikes_are_not_found(string text) => Assert.Empty(GuardTestPolicies.Found(text, GuardCategory.Address));

    [Theory]
    [InlineData("server at 192.168.1.10.", "192.168.1.10")]
    [InlineData("10.0.0.1:8080", "10.0.0.1")]
    [InlineData("host 2001:db8::8a2e:370:7334 up", "2001:db8::8a2e:370:7334")]
    [InlineData("link fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a")]
    public void Ip_addresses_are_found(string text, string expected) =>
        Assert.Equal([expected], GuardTestPolicies.Found(text, GuardCategory.IpAddress));

    [Theory]
    [InlineData("256.1.1.1")]
    [InlineData("version 1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("std::vector<int>")]
    [InlineData("at 12:30:45")]
    [InlineData("mac 00:1A:2B:3C:4D:5E")]
    public void Ip_look_alikes_are_not_found(string text) => Assert.Empty(GuardTestPolicies.Found(text, GuardCategory.IpAddress));

    [Theory]
    [InlineData("status of PRJ-1234 please", "PRJ-1234")]
    [InlineData("is project falcon late?", "project falcon")]
    [InlineData("Project FALCON and PRJ-0001", "Project FALCON", "PRJ-0001")]
    public void Team_patterns_and_keywords_are_found(string text, params string[] expected)
    {
        var policy = GuardTestPolicies.All(options: new TeamGuardOptions { Patterns = { ["code"] = @"\bPRJ-\d{4}\b" }, Keywords = ["Project Falcon"] });
        Assert.Equal(expected, GuardTestPolicies.Found(text, GuardCategory.Custom, policy));
    }

    [Theory]
    [InlineData("PRJ-12 and project falco")]
    [InlineData("XPRJ-1234")]
    public void Team_pattern_look_alikes_are_not_found(string text)
    {
        var policy = GuardTestPolicies.All(options: new TeamGuardOptions { Patterns = { ["code"] = @"\bPRJ-\d{4}\b" }, Keywords = ["Project Falcon"] });
        Assert.Empty(GuardTestPolicies.Found(text, GuardCategory.Custom, policy));
    }

    [Fact]
    public void Overlapping_findings_keep_the_earlier_longer_one_only()
    {
        // The e-mail's domain would not be found on its own; the card inside a longer digit run is not a card.
        var findings = new List<Finding>();
        GuardTestPolicies.All().Detect("write to ops@10.0.0.1.example.com or 4111111111111111", findings);
        Assert.Equal(findings.OrderBy(f => f.Start), findings);
        for (var i = 1; i < findings.Count; i++)
            Assert.True(findings[i].Start >= findings[i - 1].End);
        Assert.Contains(findings, f => f.Category == GuardCategory.CreditCard);
    }
}
