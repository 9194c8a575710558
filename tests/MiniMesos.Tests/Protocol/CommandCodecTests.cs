using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.Protocol;
using Xunit;

namespace MiniMesos.Tests.Protocol;

public sealed class CommandCodecTests
{
    private static readonly ClusterCommand[] Commands =
    [
        new AddAgent(1, new AgentRecord("a1", "pi1", new Resources(4, 3800, 100), new Dictionary<string, string> { ["rack"] = "r1" }, 7)),
        new RemoveAgent(2, "a1", "timeout"),
        new SubmitTask(3, "t.1", new TaskSpec("t", ["sh", "-c", "echo"], new Dictionary<string, string> { ["K"] = "V" }, new Resources(0.5, 64, 0))),
        new AssignTask(4, "t.1", "a1"),
        new UpdateTaskStatus(5, "t.1", TaskState.Failed, 3, null, "exit 3"),
        new UpdateTaskStatus(6, "t.1", TaskState.Killed, null, 15, null),
        new SetAgentSecret(7, [1, 2, 3]),
        new SetAdminSecret(8, new AdminRotationRecord([1, 2, 3, 4, 5, 6, 7, 8], [8, 7, 6, 5, 4, 3, 2, 1], [9, 9], 8), [4, 5], [6]),
    ];

    [Fact]
    public void RoundTrips()
    {
        foreach (var command in Commands) RoundTrip(command);
    }

    private static void RoundTrip(ClusterCommand command)
    {
        var bytes = CommandCodec.Encode(command);
        var decoded = CommandCodec.Decode(bytes);
        Assert.Equal(command.GetType(), decoded.GetType());
        Assert.Equal(bytes, CommandCodec.Encode(decoded));
    }

    [Fact]
    public void UnknownTagsAndVersionsAreRefusedByName()
    {
        var bytes = CommandCodec.Encode(new AssignTask(4, "t.1", "a1"));
        bytes[0] = 200;
        Assert.Contains("unknown command tag 200", Assert.Throws<ProtocolException>(() => CommandCodec.Decode(bytes)).Message);
        bytes = CommandCodec.Encode(new AssignTask(4, "t.1", "a1"));
        bytes[1] = 9;
        Assert.Contains("format version 9", Assert.Throws<ProtocolException>(() => CommandCodec.Decode(bytes)).Message);
        Assert.Throws<ProtocolException>(() => CommandCodec.Decode([4]));
        Assert.Throws<ProtocolException>(() => CommandCodec.Decode(bytes[..^2]));
    }
}
