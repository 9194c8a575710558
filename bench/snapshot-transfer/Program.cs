using MiniMesos.Bench;

return await SnapshotTransferBench.RunAsync(args);
