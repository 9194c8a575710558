using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MiniMesos.Net.Security;

namespace MiniMesos.Tests.Tls;

/// <summary>
/// Child process of <see cref="SystemRootsTests"/> (the C environment it changes is the whole process's): with
/// "leave-out" it first calls <see cref="SystemRoots.LeaveOut"/>, then prints how many system roots a chain build would
/// load, and whether a pin to one CA still accepts that CA's certificate and refuses another CA's.
/// </summary>
internal static class SystemRootsChild
{
    public const string Mode = "system-roots-child";

    public static int Run(string how)
    {
        if (how == "leave-out") SystemRoots.LeaveOut();
        using (var roots = new X509Store(StoreName.Root, StoreLocation.LocalMachine))
        {
            roots.Open(OpenFlags.ReadOnly);
            Console.WriteLine($"roots {roots.Certificates.Count}");
        }
        var secret = RandomNumberGenerator.GetBytes(32);
        var now = DateTimeOffset.UtcNow;
        var ours = ClusterCa.Create("ours", secret, now);
        var theirs = ClusterCa.Create("theirs", secret, now);
        using var ourLeaf = ClusterCa.Issue(ours, secret, "master", ["127.0.0.1"], now, TimeSpan.FromDays(1));
        using var theirLeaf = ClusterCa.Issue(theirs, secret, "master", ["127.0.0.1"], now, TimeSpan.FromDays(1));
        var trust = new CaTrust(ClusterCa.Fingerprint(ours.Certificate), null, acceptSelfSigned: false);
        var accepted = trust.Check(ourLeaf, null, out _) is null;
        var refused = trust.Check(theirLeaf, null, out _) is not null;
        Console.WriteLine($"pin {(accepted && refused ? "holds" : $"broken: accepted {accepted}, refused {refused}")}");
        return 0;
    }
}
