using LlmGateway.Bench.Budgets;
using LlmGateway.Bench.Caching;
using LlmGateway.Bench.Gateway;
using LlmGateway.Bench.Proxy;

// Each scenario reports figures measured in one run (ratios against a baseline measured alongside),
// because this machine is shared and noisy.
return args.FirstOrDefault() switch
{
    "proxy" => await ProxyBench.RunAsync(args),
    "slow-uploads" => await SlowUploadsBench.RunAsync(args),
    "budgets" => await BudgetsBench.RunAsync(args),
    "cache-quality" => await CacheQualityBench.RunAsync(args),
    "cache" => await CacheLatencyBench.RunAsync(args),
    "vectorindex" => LlmGateway.Bench.VectorIndex.VectorIndexBench.Run(args[1..]),
    "embeddings" => await LlmGateway.Bench.Embeddings.EmbeddingsBench.RunAsync(args[1..]),
    "tokenizers" => LlmGateway.Bench.Embeddings.TokenizerLibraryBench.Run(),
    "metrics" => await LlmGateway.Bench.Metrics.MetricsBench.RunAsync(args),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("usage: dotnet run -c Release --project bench -- <scenario> [options]");
    Console.WriteLine("  budgets      [--iterations 200000] [--seconds 5] [--writers 256] [--commit-ms 2]   budgets step overhead, ledger throughput");
    Console.WriteLine("  proxy        [--rates 250,500,1000] [--seconds 10]   gateway vs direct upstream: added latency, throughput, TTFB");
    Console.WriteLine("  slow-uploads [--connections 200] [--seconds 20] [--bytes-per-second 1024] [--settle-seconds 5] [--heap-limit-mb N] [--gateway-exe PATH]");
    Console.WriteLine("                                                       gateway RSS, legit 1 MB requests and CPU while slow uploads declare 16 MB bodies");
    Console.WriteLine("  embeddings   [--model NAME|FOLDER] [--threads N] [--no-arena] [--real-only] [--compare-settings] [--quick]   embedder latency, load, RSS, micro-batching (default model: the built-in all-MiniLM-L6-v2)");
    Console.WriteLine("  tokenizers                                           Microsoft.ML.Tokenizers vs the golden token ids the own tokenizers pass");
    Console.WriteLine("  vectorindex  [--sizes 100000] [--dim 384] [--ef 16,32,64] ...  HNSW build/search/recall/memory vs brute force");
    Console.WriteLine("  cache        [--count 2000] [--embedder NAME|hashing]  direct vs miss vs exact/semantic hit latency, hits/s, miss overhead");
    Console.WriteLine("  cache-quality [--max N] [--model NAME|FOLDER|generated] [--pooling cls|mean]  precision/recall of cache hits vs threshold");
    Console.WriteLine("  metrics                                              cost of recording a request's instruments; scrape of 50 teams x 20 models");
    return 2;
}
