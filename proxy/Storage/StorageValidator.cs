using Npgsql;

namespace LlmGateway.Storage;

/// <summary>Checks <c>Gateway:Storage</c>: a folder, a known provider, and for <c>postgres</c> a connection string Npgsql can parse.</summary>
internal static class StorageValidator
{
    public static void Validate(StorageOptions storage, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(storage.Path))
            errors.Add("Gateway:Storage:Path: a folder is needed.");
        if (!string.Equals(storage.Provider, StorageOptions.Faster, StringComparison.OrdinalIgnoreCase) && !storage.IsPostgres)
        {
            errors.Add($"Gateway:Storage:Provider: '{storage.Provider}' is not a storage provider (use 'faster' or 'postgres').");
            return;
        }
        if (storage.Replicas is < 1 or > 1000)
            errors.Add("Gateway:Storage:Replicas: must be 1-1000.");
        if (storage.ReservationTimeout <= TimeSpan.Zero)
            errors.Add("Gateway:Storage:ReservationTimeout: must be positive.");
        if (!storage.IsPostgres)
            return;
        if (string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            errors.Add("Gateway:Storage:ConnectionString: needed when Gateway:Storage:Provider is 'postgres' (e.g. Host=db;Database=gateway;Username=gateway;Password=...).");
            return;
        }
        try
        {
            _ = new NpgsqlConnectionStringBuilder(storage.ConnectionString);
        }
        catch (ArgumentException ex)
        {
            errors.Add($"Gateway:Storage:ConnectionString: not a valid Npgsql connection string ({ex.Message}).");
        }
    }
}
