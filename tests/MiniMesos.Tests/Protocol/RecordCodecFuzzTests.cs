using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using MiniMesos.Tests.RaftCodec;
using Xunit;

namespace MiniMesos.Tests.Protocol;

/// <summary>
/// The record codecs against mutated golden vectors (bits flipped, bytes changed, dropped, inserted, truncated): a log
/// entry or a snapshot either decodes to something that re-encodes stably, or is refused with a ProtocolException
/// naming what is wrong; nothing else escapes (a master stops its Raft on a ProtocolException, anything else would
/// crash it). Also: every command is registered, and a wrong field count names the command and what it expects.
/// </summary>
public sealed class RecordCodecFuzzTests
{
    [Fact]
    public void MutatedEntriesDecodeStablyOrAreRefused()
    {
        var random = new Random(20261207);
        var seeds = CodecSamples.Commands.Select(c => CodecGoldenTests.Vector("command." + c.Name)).ToArray();
        int decoded = 0, rejected = 0;
        for (var i = 0; i < 40_000; i++)
        {
            var input = RaftMessageCodecTests.Mutate(random, seeds[random.Next(seeds.Length)]);
            ClusterCommand command;
            try
            {
                command = CommandCodec.Decode(input);
            }
            catch (ProtocolException)
            {
                rejected++;
                continue;
            }
            decoded++;
            var again = CommandCodec.Encode(command);
            Assert.Equal(Convert.ToHexStringLower(again), Convert.ToHexStringLower(CommandCodec.Encode(CommandCodec.Decode(again))));
        }
        Assert.True(decoded > 1000 && rejected > 10_000, $"decoded {decoded}, rejected {rejected}");
    }

    [Fact]
    public void MutatedSnapshotsRestoreStablyOrAreRefused()
    {
        var random = new Random(20261208);
        string[] names = ["snapshot.format4", "snapshot.format5.adminRotation", "snapshot.format5.adminOnly", "read.snapshot.format1", "read.snapshot.format3"];
        var seeds = names.Select(CodecGoldenTests.Vector).ToArray();
        int restored = 0, rejected = 0;
        for (var i = 0; i < 5_000; i++)
        {
            var input = RaftMessageCodecTests.Mutate(random, seeds[random.Next(seeds.Length)]);
            var state = new ClusterState();
            try
            {
                StateSnapshotCodec.Restore(state, input);
            }
            catch (ProtocolException)
            {
                rejected++;
                continue;
            }
            restored++;
            var again = StateSnapshotCodec.Encode(state);
            var copy = new ClusterState();
            StateSnapshotCodec.Restore(copy, again);
            Assert.Equal(Convert.ToHexStringLower(again), Convert.ToHexStringLower(StateSnapshotCodec.Encode(copy)));
        }
        Assert.True(restored > 50 && rejected > 1000, $"restored {restored}, rejected {rejected}");
    }

    [Fact]
    public void EveryCommandIsRegisteredOnceWithItsOwnTag()
    {
        var commands = typeof(ClusterCommand).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(ClusterCommand)) && !t.IsAbstract).ToList();
        Assert.Equal(commands.Select(t => t.Name).Order(), CommandRegistry.All.Select(f => f.Type.Name).Order());
        Assert.Equal(CommandRegistry.All.Count, CommandRegistry.All.Select(f => f.Tag).Distinct().Count());
    }

    [Fact]
    public void AWrongFieldCountNamesTheCommandAndWhatItExpects()
    {
        // RemoveAgent [atMs, agentId, reason] with a fourth field.
        var bytes = CodecGoldenTests.Vector("command.RemoveAgent");
        bytes[2] = 0x94;
        var withExtra = bytes.Concat(new byte[] { 0xc0 }).ToArray();
        Assert.Contains("command RemoveAgent has 4 fields, expected 3", Assert.Throws<ProtocolException>(() => CommandCodec.Decode(withExtra)).Message);
        var submit = CodecGoldenTests.Vector("command.SubmitTask");
        submit[2] = 0x99;
        Assert.Contains("command SubmitTask has 9 fields, expected 8 or 10 or 11", Assert.Throws<ProtocolException>(() => CommandCodec.Decode(submit)).Message);
    }
}
