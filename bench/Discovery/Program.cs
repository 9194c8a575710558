using System.Globalization;
using System.Net;
using MiniMesos.Core.Discovery;
using MiniMesos.Net.Discovery;

// Usage (inside a lab host, e.g. under `ip netns exec`):
//   advertise <ifaddr> <instance> <max-seconds>   advertise until stdin closes, then say goodbye
//   browse <ifaddr> <instance> <max-seconds>      print FOUND when <instance> resolves, then exit
// One JSON line per step with "t" = Unix time in seconds, comparable with the python-zeroconf helpers.
if (args.Length != 4 || args[0] is not ("advertise" or "browse"))
{
    Console.Error.WriteLine("usage: advertise|browse <ifaddr> <instance> <max-seconds>");
    return 2;
}
var options = new MdnsOptions([IPAddress.Parse(args[1])]);
var instance = args[2];
var maxWait = TimeSpan.FromSeconds(Math.Min(double.Parse(args[3], CultureInfo.InvariantCulture), 120));

if (args[0] == "advertise")
{
    var txt = new Dictionary<string, string> { ["role"] = "agent", ["cluster"] = "bench", ["node"] = instance, ["ver"] = "bench" };
    Emit("STARTED");
    await using var advertiser = new MdnsAdvertiser(new ServiceInstance(instance, 5051, txt, []), options);
    advertiser.Start();
    var stdinClosed = Task.Run(() => Console.In.ReadToEnd());
    await Task.WhenAny(stdinClosed, Task.Delay(maxWait));
    await advertiser.StopAsync();
    Emit("STOPPED");
    return 0;
}

await using var browser = new MdnsBrowser("bench", options);
var found = new TaskCompletionSource<DiscoveryEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
browser.Changed += e =>
{
    if (e.Kind == DiscoveryEventKind.Found && e.Service.InstanceName == instance) found.TrySetResult(e);
};
browser.Start();
Emit("READY");
if (await Task.WhenAny(found.Task, Task.Delay(maxWait)) != found.Task)
{
    Emit("TIMEOUT");
    return 1;
}
Emit("FOUND", found.Task.Result.At);
return 0;

static void Emit(string evt, DateTimeOffset? at = null) =>
    Console.WriteLine($"{{\"event\": \"{evt}\", \"t\": {((at ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds() / 1000.0).ToString(CultureInfo.InvariantCulture)}}}");
