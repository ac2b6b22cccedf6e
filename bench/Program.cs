using System.CommandLine;
using LlmGateway.Bench.Budgets;
using LlmGateway.Bench.Caching;
using LlmGateway.Bench.Compare;
using LlmGateway.Bench.Embeddings;
using LlmGateway.Bench.Gateway;
using LlmGateway.Bench.Guard;
using LlmGateway.Bench.Metrics;
using LlmGateway.Bench.Proxy;
using LlmGateway.Bench.Storage;
using LlmGateway.Bench.VectorIndex;

// Each scenario reports figures measured in one run (ratios against a baseline measured alongside),
// because this machine is shared and noisy. `-- <scenario> --help` lists a scenario's options and defaults.
var root = new RootCommand("LlmGateway benchmarks: dotnet run -c Release --project bench -- <scenario> [options]")
{
    BudgetsBench.Command(),
    ProxyBench.Command(),
    CompareBench.Command(),
    FloorServer.Command(),
    OverloadBench.Command(),
    SoakBench.Command(),
    OpenLoopBench.Command(),
    SlowUploadsBench.Command(),
    EmbeddingsBench.Command(),
    TokenizerLibraryBench.Command(),
    VectorIndexBenchOptions.Command(),
    MissIndexBench.Command(),
    CacheLatencyBench.Command(),
    CacheQualityBench.Command(),
    CacheVerifierBench.Command(),
    CacheBoundBench.Command(),
    AnswerEquivalenceBench.Command(),
    MetricsBench.Command(),
    GuardBench.Command(),
    StorageBench.Command(),
};
var parsed = root.Parse(args);
int exitCode;
try
{
    // Our own handler: System.CommandLine's default one exits with 1 and prints nothing for an
    // OperationCanceledException, which is what an HttpClient timeout throws (a bench then ended silently).
    exitCode = await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception ex)
{
    Console.Error.WriteLine($"{parsed.CommandResult.Command.Name} failed: {ex}");
    exitCode = 1;
}
return parsed.Errors.Count > 0 ? 2 : exitCode; // a usage error, as before
