using System.CommandLine;
using System.Text.Json;
using MiniMesos.Net.Backup;
using MiniMesos.Net.Http;
using MiniMesos.Net.Security;

namespace MiniMesos.Net.Cli;

/// <summary>`minimesos snapshot save|inspect|restore`: backups of the replicated state (docs/operations.md).</summary>
internal static class SnapshotCli
{
    public static Command Command()
    {
        var command = new Command("snapshot", "Back up and restore the cluster state (apps, jobs, tasks, agents, frameworks, roles).");

        var saveFile = new Argument<string>("file") { Description = "Where to write the backup (mode 0600; replaced atomically)." };
        command.Subcommands.Add(ClientCommand.Create("save", "Write a consistent backup of the cluster state, taken by the leader at a committed index (admin token).",
            [saveFile], async (client, parse, ct) =>
            {
                var file = await client.SnapshotAsync(ct).ConfigureAwait(false);
                var header = ReadHeader(file, "the master's answer");
                var path = parse.GetValue(saveFile)!;
                Write(path, file);
                Console.WriteLine($"saved {path}: cluster '{header.Cluster}', index {header.Index}, term {header.Term}, {file.Length} bytes, " +
                    $"{header.Counts.Apps} apps, {header.Counts.Tasks} tasks, {header.Counts.Jobs} jobs, {header.Counts.Agents} agents");
                return ExitCodes.Success;
            }));

        var inspectFile = new Argument<string>("file") { Description = "A backup file." };
        var json = ClientCommand.Json();
        var inspect = new Command("inspect", "Check a backup file (format, checksum) and show what it holds; needs no token and no master.") { inspectFile, json };
        inspect.SetAction(parse =>
        {
            var info = SnapshotInfo.From(ReadHeader(Read(parse.GetValue(inspectFile)!), parse.GetValue(inspectFile)!));
            if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(info, ApiJsonContext.Api.SnapshotInfo));
            else Print(info);
            return ExitCodes.Success;
        });
        command.Subcommands.Add(inspect);
        command.Subcommands.Add(Restore());
        return command;
    }

    private static Command Restore()
    {
        var file = new Argument<string>("file") { Description = "The backup file to restore." };
        var force = new Option<bool>("--force-cluster")
        {
            Description = "Restore a backup of a cluster with another --cluster name (e.g. after renaming it). The token must still be the one it was written with.",
        };
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = "Offline: make this (stopped master's, empty) data dir a one-master cluster holding the backup, instead of restoring through a running master's API.",
        };
        var snapshotTokenFile = new Option<string?>("--snapshot-token-file")
        {
            Description = "Online: the admin token the backup was written with, when `token rotate --admin` has replaced it since (the CLI still " +
                "authenticates with the current one).",
        };
        var cluster = CommonOptions.Cluster();
        var master = CommonOptions.ApiMaster();
        var token = CommonOptions.Token();
        var tokenFile = CommonOptions.TokenFile();
        var restore = new Command("restore",
            "Replace the cluster state with a backup's. Online (default): through a running master's API, on every master at once. " +
            "Offline (--data-dir): into a stopped master's empty data dir.") { file, force, dataDir, cluster, master, token, tokenFile, snapshotTokenFile };
        restore.SetAction(async (parse, ct) =>
        {
            var bytes = Read(parse.GetValue(file)!);
            if (parse.GetValue(dataDir) is { } dir)
            {
                // Offline: the master's own token, as it will start with it (flag, then its data dir's token file).
                var tokenPath = Path.Combine(dir, ClusterSecret.FileName);
                var secret = CommonOptions.ResolveSecret(parse, token, tokenFile)
                    ?? (File.Exists(tokenPath) ? ClusterSecret.FromFile(tokenPath) : throw CommonOptions.NoSecret());
                var (nodeId, header) = Restored(() => OfflineRestore.Run(dir, parse.GetValue(cluster)!, secret.Token, bytes, parse.GetValue(force)));
                Console.WriteLine($"restored index {header.Index} of cluster '{header.Cluster}' into {dir} as master {nodeId}, alone. Start it with " +
                    $"`minimesos master --data-dir {dir} --cluster {parse.GetValue(cluster)}` and the cluster's token; add masters with fresh data dirs " +
                    "(`--bootstrap-expect 0`, then `minimesos master add ID HOST:PORT`).");
                return ExitCodes.Success;
            }
            using var client = await ClientCommand.ConnectAsync(parse, master, token, tokenFile, ct).ConfigureAwait(false);
            var fileToken = parse.GetValue(snapshotTokenFile) is { Length: > 0 } path ? ClusterSecret.FromFile(path).Token : null;
            var info = await client.RestoreSnapshotAsync(bytes, parse.GetValue(force), ct, fileToken).ConfigureAwait(false);
            Console.WriteLine($"restored index {info.Index} of cluster '{info.Cluster}' (saved {info.CreatedAt}): {info.Counts.Apps} apps, " +
                $"{info.Counts.Jobs} jobs, {info.Counts.Tasks} tasks, {info.Counts.Agents} agents. Agents re-register and report what they run; " +
                "tasks no agent reports become LOST and apps replace them.");
            return ExitCodes.Success;
        });
        return restore;
    }

    private static T Restored<T>(Func<T> restore)
    {
        try
        {
            return restore();
        }
        catch (SnapshotFileException e)
        {
            throw new CliException($"{e.Message}; nothing was changed", ExitCodes.RuntimeError);
        }
    }

    private static SnapshotHeader ReadHeader(byte[] file, string what)
    {
        try
        {
            return SnapshotFile.ReadHeader(file);
        }
        catch (SnapshotFileException e)
        {
            throw new CliException($"{what}: {e.Message}", ExitCodes.RuntimeError);
        }
    }

    private static byte[] Read(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {path}: {e.Message}", ExitCodes.UsageError);
        }
    }

    private static void Write(string path, byte[] file)
    {
        try
        {
            SnapshotWriter.WriteAtomically(path, file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot write {path}: {e.Message}", ExitCodes.RuntimeError);
        }
    }

    private static void Print(SnapshotInfo info)
    {
        Console.WriteLine($"format      {info.Format}");
        Console.WriteLine($"cluster     {info.Cluster} (token key id {info.KeyId})");
        Console.WriteLine($"index       {info.Index} (term {info.Term})");
        Console.WriteLine($"created at  {info.CreatedAt} by minimesos {info.WrittenBy}");
        Console.WriteLine($"state       format {info.StateFormat}, encrypted (AES-256-GCM, key from the cluster token)");
        var c = info.Counts;
        Console.WriteLine($"holds       {c.Apps} apps, {c.Jobs} jobs, {c.Tasks} tasks ({c.LiveTasks} not ended), {c.Agents} agents, " +
            $"{c.Frameworks} frameworks, {c.Roles} role weights");
        Console.WriteLine("checksum    SHA-256 ok");
    }
}
