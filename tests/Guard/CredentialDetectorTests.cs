using LlmGateway.Guard;

namespace LlmGateway.Tests.Guard;

public sealed class CredentialDetectorTests
{
    [Theory]
    [InlineData("my key is sk-abcdEFGH1234ijklMNOP5678qrstUVWX9012yzabCDEF3456 ok", "sk-abcdEFGH1234ijklMNOP5678qrstUVWX9012yzabCDEF3456")]
    [InlineData("OPENAI_API_KEY=sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj3k_L-m", "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj3k_L-m")]
    [InlineData("x-api-key: sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa_Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe-AA", "sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa_Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe-AA")]
    [InlineData("aws id AKIAIOSFODNN7EXAMPLE here", "AKIAIOSFODNN7EXAMPLE")]
    [InlineData("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("maps key AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q end", "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q")]
    [InlineData("token ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R", "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R")]
    [InlineData("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")]
    [InlineData("SLACK_BOT_TOKEN=xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx")]
    [InlineData("post to https://hooks.slack.com/services/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", "hooks.slack.com/services/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")]
    public void Api_keys_are_found(string text, string expected) =>
        Assert.Equal([expected], GuardTestPolicies.Found(text, GuardCategory.ApiKey));

    [Theory]
    [InlineData("pip install sk-learn-is-not-a-key-but-a-long-hyphenated-word")]
    [InlineData("sk-abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv has no digits")]
    [InlineData("AKIA1234 is too short")]
    [InlineData("the AKIAIOSFODNN7EXAMPLEX identifier is too long")]
    [InlineData("ghp_short and github_pat_tiny")]
    [InlineData("xoxb- alone")]
    [InlineData("AIzaSyTooShort")]
    [InlineData("aws_secret_access_key = <your secret here>")]
    public void Look_alikes_are_not_api_keys(string text) => Assert.Empty(GuardTestPolicies.Found(text, GuardCategory.ApiKey));

    [Theory]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7x\n-----END RSA PRIVATE KEY-----")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----")]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n-----END OPENSSH PRIVATE KEY-----")]
    [InlineData("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkq")]
    public void Pem_private_keys_are_found_whole(string key) =>
        Assert.Equal([key], GuardTestPolicies.Found("here: " + key, GuardCategory.PrivateKey));

    [Theory]
    [InlineData("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A\n-----END PUBLIC KEY-----")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkq\n-----END CERTIFICATE-----")]
    [InlineData("how do I read a PRIVATE KEY file in Python?")]
    public void Public_keys_and_certificates_are_not_private_keys(string text) =>
        Assert.Empty(GuardTestPolicies.Found(text, GuardCategory.PrivateKey));

    [Theory]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")]
    public void Jwts_are_found(string text, string expected) =>
        Assert.Equal([expected], GuardTestPolicies.Found(text, GuardCategory.Jwt));

    [Theory]
    [InlineData("eyJub3RhbGciOiJ4IiwidHlwIjoiSldUIn0.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IngifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6y")] // header has no "alg"
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx.short")] // signature too short
    [InlineData("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9 alone")]
    public void Jwt_look_alikes_are_not_found(string text) => Assert.Empty(GuardTestPolicies.Found(text, GuardCategory.Jwt));

    [Theory]
    [InlineData("DATABASE_URL=postgres://admin:s3cr3t@db.internal:5432/app", "postgres://admin:s3cr3t@db.internal:5432")]
    [InlineData("mongodb+srv://user:pa55word@cluster0.example.net/test", "mongodb+srv://user:pa55word@cluster0.example.net")]
    [InlineData("conn: Server=db1;Database=app;User Id=sa;Password=Secr3t!;", "Server=db1;Database=app;User Id=sa;Password=Secr3t!")]
    [InlineData("Host=pg;Port=5432;Username=app;Pwd=hunter2", "Host=pg;Port=5432;Username=app;Pwd=hunter2")]
    public void Connection_strings_with_passwords_are_found(string text, string expected) =>
        Assert.Equal([expected], GuardTestPolicies.Found(text, GuardCategory.ConnectionString));

    [Theory]
    [InlineData("see https://user@example.com/path")]
    [InlineData("call http://localhost:8080/api/v1")]
    [InlineData("Server=db1;Database=app;Integrated Security=true;")]
    [InlineData("the password=is not in a connection string")]
    public void Connection_strings_without_passwords_are_not_found(string text) =>
        Assert.Empty(GuardTestPolicies.Found(text, GuardCategory.ConnectionString));
}
