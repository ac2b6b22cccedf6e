using LlmGateway.Bench.Caching;
using LlmGateway.Bench.Proxy;

// Each scenario reports figures measured in one run (ratios against a baseline measured alongside),
// because this machine is shared and noisy.
return args.FirstOrDefault() switch
{
    "proxy" => await ProxyBench.RunAsync(args),
    "cache-quality" => await CacheQualityBench.RunAsync(args),
    "metrics" => await LlmGateway.Bench.Metrics.MetricsBench.RunAsync(args),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("usage: dotnet run -c Release --project bench -- <scenario> [options]");
    Console.WriteLine("  proxy        [--rates 250,500,1000] [--seconds 10]   gateway vs direct upstream: added latency, throughput, TTFB");
    Console.WriteLine("  cache-quality [--max N] [--model PATH]             precision/recall of cache hits vs threshold on ../shared/data");
    return 2;
}
