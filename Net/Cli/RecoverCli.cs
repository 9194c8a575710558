using System.CommandLine;
using System.Net.Sockets;
using MiniMesos.Net.Hosts;
using MiniMesos.Net.Raft;
using MiniMesos.Net.Storage;

namespace MiniMesos.Net.Cli;

/// <summary>`minimesos master recover`: a stopped survivor of a lost quorum becomes a one-master cluster (docs/operations.md).</summary>
internal static class RecoverCli
{
    public static Command Command()
    {
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "The stopped survivor's data dir.",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("MINIMESOS_DATA_DIR") ?? Defaults.MasterDataDir,
        };
        var cluster = CommonOptions.Cluster();
        var confirm = new Option<bool>("--yes-i-lost-quorum")
        {
            Description = "Required: you are sure the other masters are gone for good (a recovered master and a returning old one would make two clusters).",
        };
        var force = new Option<bool>("--force")
        {
            Description = "Recover even if another member answers on its cluster port (only when you know it will never rejoin, e.g. it is being wiped).",
        };
        var command = new Command("recover",
            "Lost quorum: rewrite a STOPPED master's membership to itself alone, keeping its whole log; started, it leads a one-master cluster " +
            "to which new masters are added with `minimesos master add`.") { dataDir, cluster, confirm, force };
        command.SetAction(async (parse, ct) =>
        {
            var dir = parse.GetValue(dataDir)!;
            if (!parse.GetValue(confirm))
                throw new ConfigException("master recover: refusing without --yes-i-lost-quorum. It makes this master the only member: " +
                    "run it only when a majority of the masters is gone for good, on ONE survivor, with that survivor stopped");
            if (!File.Exists(Path.Combine(dir, SqliteRaftStore.FileName)) || !File.Exists(Path.Combine(dir, "node-id")))
                throw new CliException($"{dir} holds no master state (raft.db and node-id): pass the survivor's --data-dir", ExitCodes.UsageError);
            var self = NodeIdFile.ReadOrCreate(dir);
            using var store = SqliteRaftStore.Open(dir, new StoreIdentity(parse.GetValue(cluster)!, self));
            var voters = QuorumRecovery.CurrentConfig(store);
            var known = PeerFile.Read(dir);
            var reachable = new List<string>();
            var unknown = new List<ulong>();
            foreach (var id in voters.Voters.Append(self).Distinct())
            {
                if (known.FirstOrDefault(p => p.Id == id) is not { ClusterAddress.Length: > 0 } peer)
                {
                    if (id != self) unknown.Add(id);
                    continue;
                }
                if (await AnswersAsync(peer.ClusterAddress, ct).ConfigureAwait(false))
                    reachable.Add(id == self ? $"this master itself at {peer.ClusterAddress} (is it still running? stop it first)" : $"master {id} at {peer.ClusterAddress}");
            }
            if (reachable.Count > 0 && !parse.GetValue(force))
                throw new CliException("master recover: refused, these answer on their cluster port: " + string.Join("; ", reachable) +
                    ". A cluster that still has them does not need recovering (restart the stopped masters instead); if they will never rejoin, " +
                    "stop them and wipe their data dirs, or pass --force", ExitCodes.RuntimeError);
            Console.Error.WriteLine($"WARNING: master {self} becomes the ONLY member of cluster '{parse.GetValue(cluster)}' (was {voters}).");
            foreach (var id in unknown) Console.Error.WriteLine($"WARNING: no address known for master {id}: make sure it is stopped for good, it was not probed.");
            Console.Error.WriteLine("WARNING: the old masters must never start again with their old data dirs: wipe them before reusing those hosts.");
            var (_, index) = QuorumRecovery.Rewrite(store, self);
            Console.WriteLine(index == 0
                ? $"master {self} already is the only member: nothing to do."
                : $"master {self} is now the only member (configuration entry {index}); every entry of its log was kept. Start it as before " +
                  "(its --bootstrap-expect is ignored: it has state), check `minimesos status`, then add masters with fresh data dirs " +
                  "(`minimesos master --bootstrap-expect 0 ...` on each, then `minimesos master add ID HOST:PORT`).");
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<bool> AnswersAsync(string address, CancellationToken ct)
    {
        var (host, port) = Endpoint.Parse(address, Defaults.ClusterPort, "address");
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
