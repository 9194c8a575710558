using MiniMesos.Isolation;
using MiniMesos.Net.Cli;

// A task's init (PID 1 of its namespaces) is this binary in a hidden mode; it must not pay for the CLI.
if (args.Length > 0 && args[0] == TaskInit.Verb) return TaskInit.Run(args);

// Parse the command line and hand over to a host or a client command; no logic lives here.
return await CommandLine.Build().Parse(args).InvokeAsync();
