using MiniMesos.Net.Cli;

// Parse the command line and hand over to a host or a client command; no logic lives here.
return await CommandLine.InvokeAsync(args);
