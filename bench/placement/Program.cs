using MiniMesos.Bench;

return await PlacementBench.RunAsync(args);
