using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// Every replicated command, one registration each: its tag and its codec (<see cref="CommandFormat"/>). Adding a
/// command is one line here plus its codec, and a feature level in <see cref="FeatureGate"/> when older masters cannot
/// read it. Tags are never reused (11, 15, 16 and 22 were never assigned); a master refuses a tag it does not know.
/// </summary>
internal static class CommandRegistry
{
    private const string What = "command";

    private static readonly CommandFormat SubmitTask = TaskSpecCodec.Submit(3);
    private static readonly CommandFormat UpdateTaskStatus = TaskStatusCodec.Update(5);

    private static readonly CommandFormat[] Formats =
    [
        AgentRecordCodec.AddAgent(1),
        CommandShapes.TwoStrings<RemoveAgent>(2, c => (c.AgentId, c.Reason), (at, a, b) => new(at, a, b)),
        SubmitTask,
        CommandShapes.TwoStrings<AssignTask>(4, c => (c.TaskId, c.AgentId), (at, a, b) => new(at, a, b)),
        UpdateTaskStatus,
        AppSpecCodec.Put(6),
        CommandShapes.OneString<RemoveApp>(7, c => c.AppId, (at, id) => new(at, id)),
        CommandShapes.Record<PutJob, Core.Frameworks.Jobs.JobSpec>(8, JobCodec.WriteSpec, JobCodec.ReadSpec, c => c.Job, (at, job) => new(at, job)),
        CommandShapes.OneString<RemoveJob>(9, c => c.JobId, (at, id) => new(at, id)),
        CommandShapes.Record<PutJobState, Core.Frameworks.Jobs.JobState>(10, JobCodec.WriteState, JobCodec.ReadState, c => c.State, (at, s) => new(at, s)),
        CommandShapes.TwoStrings<MarkAgentUnreachable>(12, c => (c.AgentId, c.Reason), (at, a, b) => new(at, a, b)),
        CommandFormat.Of<SetAgentDrain>(13, 4,
            (ref MessagePackWriter w, SetAgentDrain c, int _) =>
            {
                w.WriteString(c.AgentId);
                w.WriteBoolean(c.Draining);
                w.WriteInt64(c.GraceMs);
            },
            (ref MessagePackReader r, long at, int _) => new SetAgentDrain(at, MessagePackFields.RequiredString(ref r, What), r.ReadBoolean(), r.ReadInt64())),
        CommandShapes.TwoStrings<RemoveAgentGone>(14, c => (c.AgentId, c.Reason), (at, a, b) => new(at, a, b)),
        CommandShapes.Record<RegisterFramework, FrameworkRecord>(17, FrameworkRecordCodec.Write, FrameworkRecordCodec.Read, c => c.Framework, (at, f) => new(at, f)),
        CommandShapes.TwoStrings<RemoveFramework>(18, c => (c.FrameworkId, c.Reason), (at, a, b) => new(at, a, b)),
        CommandShapes.TwoStrings<LinkTask>(19, c => (c.TaskId, c.FrameworkId), (at, a, b) => new(at, a, b)),
        LaunchTasksCodec.Launch(20, SubmitTask),
        TaskStatusCodec.Updates(21, UpdateTaskStatus),
        CommandFormat.Of<PutRoleWeight>(23, 3,
            (ref MessagePackWriter w, PutRoleWeight c, int _) =>
            {
                w.WriteString(c.Role);
                w.WriteDouble(c.Weight);
            },
            (ref MessagePackReader r, long at, int _) => new PutRoleWeight(at, MessagePackFields.RequiredString(ref r, What), r.ReadDouble())),
        AgentRecordCodec.Registration(24),
        CommandShapes.Binaries<ReplaceState>(25, 1, c => [c.State], (at, b) => new(at, b[0]), large: true),
        CommandShapes.Binaries<SetClusterCa>(26, 2, c => [c.Ca.Certificate, c.Ca.SealedKey], (at, b) => new(at, new ClusterCaRecord(b[0], b[1]))),
        CommandShapes.Binaries<SetAgentSecret>(27, 1, c => [c.Sealed], (at, b) => new(at, b[0])),
        CommandShapes.Binaries<SetAdminSecret>(28, 5,
            c => [c.Rotation.PreviousKeyId, c.Rotation.NewKeyId, c.Rotation.SealedNew, c.CaSealedKey, c.SealedAgentSecret],
            (at, b) => new(at, new AdminRotationRecord(b[0], b[1], b[2], at), b[3], b[4])),
    ];

    private static readonly Dictionary<Type, CommandFormat> ByType = Formats.ToDictionary(f => f.Type);
    private static readonly CommandFormat?[] ByTag = TagTable();

    public static IReadOnlyList<CommandFormat> All => Formats;

    public static CommandFormat For(ClusterCommand command) =>
        ByType.TryGetValue(command.GetType(), out var format) ? format : throw new ArgumentException($"no tag for {command.GetType().Name}", nameof(command));

    public static CommandFormat? ForTag(byte tag) => ByTag[tag];

    private static CommandFormat?[] TagTable()
    {
        var table = new CommandFormat?[256];
        foreach (var format in Formats)
            table[format.Tag] = table[format.Tag] is null ? format : throw new InvalidOperationException($"command tag {format.Tag} is registered twice");
        return table;
    }
}
