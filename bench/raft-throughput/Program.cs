using MiniMesos.Bench;

return await RaftThroughputBench.RunAsync(args);
