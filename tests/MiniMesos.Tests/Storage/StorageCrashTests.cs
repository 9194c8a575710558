using System.Diagnostics;
using MiniMesos.Net.Storage;
using Xunit;

namespace MiniMesos.Tests.Storage;

/// <summary>
/// kill -9 at a random moment: every index the child printed (i.e. every Persist that returned) must be in the store
/// when it is reopened, with its content and the hard state that went with it.
/// </summary>
[Trait("Category", "Slow")]
public sealed class StorageCrashTests
{
    [Fact]
    public async Task NothingAcknowledgedIsLostOnKill9()
    {
        var random = new Random(Environment.TickCount);
        using var dir = new TempDataDir();
        ulong previous = 0;
        for (var round = 0; round < 3; round++)
        {
            var acknowledged = await RunAndKill(dir.Path, TimeSpan.FromMilliseconds(random.Next(100, 700)));
            Assert.True(acknowledged > previous, $"round {round}: the child acknowledged nothing new ({acknowledged})");
            using var store = SqliteRaftStore.Open(dir.Path, StorageCrashChild.Identity);
            Assert.True(store.LastIndex >= acknowledged, $"round {round}: acknowledged {acknowledged}, store has {store.LastIndex}");
            Assert.True(store.Load().Commit >= acknowledged);
            var entries = store.Read(1, store.LastIndex);
            Assert.Equal(store.LastIndex, (ulong)entries.Count);
            for (var i = 0; i < entries.Count; i++)
            {
                Assert.Equal(StorageCrashChild.Entry((ulong)i + 1).Data, entries[i].Data);
            }
            previous = store.LastIndex;
        }
    }

    private static async Task<ulong> RunAndKill(string dataDir, TimeSpan afterFirstAck)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MiniMesos.Tests.dll"));
        info.ArgumentList.Add(StorageCrashChild.Mode);
        info.ArgumentList.Add(dataDir);
        using var child = Process.Start(info)!;
        var stderr = child.StandardError.ReadToEndAsync();
        ulong last = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            var first = await child.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException("child exited before acknowledging: " + await stderr);
            last = ulong.Parse(first);
            var killAt = Task.Delay(afterFirstAck, timeout.Token); // the scenario: the crash lands this long into the writes
            while (!killAt.IsCompleted)
            {
                var read = child.StandardOutput.ReadLineAsync(timeout.Token).AsTask();
                if (await Task.WhenAny(read, killAt) == killAt)
                {
                    child.Kill(); // SIGKILL on Linux
                    var pending = await read;
                    if (pending is not null) last = ulong.Parse(pending);
                    break;
                }
                last = ulong.Parse(await read ?? throw new InvalidOperationException("child exited early: " + await stderr));
            }
            if (!child.HasExited) child.Kill();
            // Lines already written before the kill were acknowledged too.
            while (await child.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (ulong.TryParse(line, out var index)) last = index;
            }
            await child.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!child.HasExited) child.Kill();
        }
        return last;
    }
}
