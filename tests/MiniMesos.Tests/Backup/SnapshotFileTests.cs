using System.Buffers.Binary;
using System.Security.Cryptography;
using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Backup;
using MiniMesos.Net.Protocol;
using MiniMesos.Net.Security;
using Xunit;

namespace MiniMesos.Tests.Backup;

/// <summary>The backup file format: a round trip, and every kind of bad file refused with its reason before anything is used.</summary>
public sealed class SnapshotFileTests
{
    private readonly string _token = ClusterSecret.Generate();

    [Fact]
    public void ARoundTripGivesBackTheSameStateAndHeader()
    {
        var (file, state) = Sample("homelab", _token);
        var header = SnapshotFile.ReadHeader(file);
        Assert.Equal(("homelab", 42UL, 7UL), (header.Cluster, header.Index, header.Term));
        Assert.Equal(new SnapshotCounts(0, 2, 1, 0, 1, 0, 1), header.Counts);
        var (opened, decrypted) = BackupService.OpenChecked(file, "homelab", _token, forceCluster: false);
        Assert.Equal(state, decrypted);
        Assert.Equal(header.Index, opened.Index);
    }

    [Fact]
    public void NoSecretIsInTheFileInClear()
    {
        var (file, _) = Sample("homelab", _token, secret: "hunter2-database-password");
        Assert.Equal(-1, file.AsSpan().IndexOf("hunter2-database-password"u8));
        Assert.Equal(-1, file.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(_token)));
    }

    [Fact]
    public void AFlippedByteAnywhereIsRefusedAsCorrupt()
    {
        var (file, _) = Sample("homelab", _token);
        foreach (var at in new[] { 12, 30, file.Length / 2, file.Length - 40, file.Length - 1 })
        {
            var damaged = (byte[])file.Clone();
            damaged[at] ^= 0x01;
            var e = Assert.Throws<SnapshotFileException>(() => BackupService.OpenChecked(damaged, "homelab", _token, false));
            Assert.True(e.Message.Contains("checksum") || e.Message.Contains("damaged") || e.Message.Contains("truncated"), $"byte {at}: {e.Message}");
        }
    }

    [Fact]
    public void ATruncatedFileIsRefusedAsTruncated()
    {
        var (file, _) = Sample("homelab", _token);
        foreach (var length in new[] { 0, 5, 13, 40, file.Length - 33, file.Length - 1 })
        {
            var e = Assert.Throws<SnapshotFileException>(() => SnapshotFile.ReadHeader(file.AsSpan(0, length)));
            Assert.True(e.Message.Contains("truncated") || e.Message.Contains("not a minimesos snapshot"), $"{length} bytes: {e.Message}");
        }
        var appended = file.Concat(new byte[] { 1, 2, 3 }).ToArray();
        Assert.Contains("after its end", Assert.Throws<SnapshotFileException>(() => SnapshotFile.ReadHeader(appended)).Message);
    }

    [Fact]
    public void AFileOfANewerFormatIsRefusedNamingBothFormats()
    {
        var (file, _) = Sample("homelab", _token);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), SnapshotFile.Format + 1);
        Rehash(file);
        var e = Assert.Throws<SnapshotFileException>(() => SnapshotFile.ReadHeader(file));
        Assert.Contains($"format {SnapshotFile.Format + 1}, written by a newer minimesos", e.Message);
    }

    [Fact]
    public void AnotherClustersFileIsRefusedUnlessForcedAndAnotherTokensAlways()
    {
        var (file, state) = Sample("homelab", _token);
        var foreign = Assert.Throws<SnapshotFileException>(() => BackupService.OpenChecked(file, "office", _token, false));
        Assert.Contains("of cluster 'homelab', this is cluster 'office'", foreign.Message);
        Assert.Contains("--force-cluster", foreign.Message);
        Assert.Equal(state, BackupService.OpenChecked(file, "office", _token, forceCluster: true).State);

        var otherToken = Assert.Throws<SnapshotFileException>(() => BackupService.OpenChecked(file, "homelab", ClusterSecret.Generate(), true));
        Assert.Contains("another cluster token", otherToken.Message);
    }

    [Fact]
    public void AnAlteredFileWithARecomputedChecksumFailsItsSeal()
    {
        var (file, _) = Sample("homelab", _token);
        file[file.Length - 32 - 20] ^= 0x80; // inside the ciphertext or tag
        Rehash(file);
        var e = Assert.Throws<SnapshotFileException>(() => SnapshotFile.Open(file, _token));
        Assert.Contains("altered after it was written", e.Message);
    }

    [Fact]
    public void SomethingElseIsNotASnapshot()
    {
        var e = Assert.Throws<SnapshotFileException>(() => SnapshotFile.ReadHeader("SQLite format 3\0 and more bytes here"u8));
        Assert.Contains("not a minimesos snapshot", e.Message);
    }

    /// <summary>A state with an agent, a running task (whose env holds a secret), an ended one and a role weight, as a backup file.</summary>
    internal static (byte[] File, byte[] State) Sample(string cluster, string token, string secret = "s3cret-value")
    {
        var state = new ClusterState();
        state.Apply(new AddAgent(1, new AgentRecord("a1", "pi1", new Resources(4, 4096, 1000), new Dictionary<string, string>(), 1)));
        var env = new Dictionary<string, string> { ["DB_PASSWORD"] = secret };
        state.Apply(new SubmitTask(2, "t1", new TaskSpec("web", ["/bin/sh", "-c", "sleep 1000"], env, new Resources(0.5, 64))));
        state.Apply(new AssignTask(3, "t1", "a1"));
        state.Apply(new UpdateTaskStatus(4, "t1", TaskState.Running, null, null, null));
        state.Apply(new SubmitTask(5, "t2", new TaskSpec("once", ["true"], new Dictionary<string, string>(), new Resources(0.1, 16))));
        state.Apply(new UpdateTaskStatus(6, "t2", TaskState.Killed, null, null, null));
        state.Apply(new PutRoleWeight(7, "team", 2));
        var bytes = StateSnapshotCodec.Encode(state);
        var header = BackupService.Describe(cluster, token, 42, 7, bytes, 1_700_000_000_000);
        return (SnapshotFile.Write(header, bytes, token), bytes);
    }

    private static void Rehash(byte[] file) => SHA256.HashData(file.AsSpan(0, file.Length - 32), file.AsSpan(file.Length - 32));
}
