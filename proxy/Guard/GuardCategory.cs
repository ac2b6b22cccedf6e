namespace LlmGateway.Guard;

/// <summary>
/// What a detector finds. The names are the config keys (<c>Guard:Categories:Email</c>); <see cref="GuardCategories"/>
/// gives the metric label (<c>email</c>) and the placeholder stem (<c>EMAIL</c>). A fixed set, so labels stay bounded.
/// </summary>
internal enum GuardCategory
{
    ApiKey,
    PrivateKey,
    Jwt,
    ConnectionString,
    CreditCard,
    Iban,
    Email,
    Phone,
    MyNumber,
    CorporateNumber,
    Address,
    IpAddress,
    Custom,
}
