using MiniMesos.Isolation;
using MiniMesos.Net.Cli;

// Task init (PID 1 of a task) and the isolation self-test are hidden modes that must not pay for the CLI.
if (args.Length > 0 && HiddenVerbs.Is(args[0])) return HiddenVerbs.Run(args);

// Parse the command line and hand over to a host or a client command; no logic lives here.
return await CommandLine.InvokeAsync(args);
