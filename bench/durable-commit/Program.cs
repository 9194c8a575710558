using MiniMesos.Bench;

return DurableCommitBench.Run(args);
