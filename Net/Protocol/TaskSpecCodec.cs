using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// A <see cref="TaskSpec"/>, the one codec of its three parts: the head [name, argv, env, cpus, mem, disk], the app link
/// (appId, appVersion) and the isolation fields (<see cref="IsolationFieldsCodec"/>, versioned by their own count). Two
/// records carry a spec and keep the framing masters always gave it, so no byte an older master reads changes
/// (docs/protocol.md "Record codecs"): a SubmitTask entry (and each launch of a LaunchTasks entry) has the parts inline
/// after [atMs, taskId], the link as two fields; a snapshot's task record (<see cref="TaskRecordCodec"/>) has the
/// task's state between the head and the link, the link as nil or [appId, appVersion].
/// </summary>
internal static class TaskSpecCodec
{
    private const string What = "task spec";

    /// <summary>
    /// SubmitTask: [atMs, taskId, head...] (version 1, 8 fields: a one-shot task), + [appId, appVersion] (version 2, 10: an
    /// app's instance), + [isolation fields] (version 3, 11: appId and appVersion then may be nil).
    /// </summary>
    public static CommandFormat Submit(byte tag) => CommandFormat.Of<SubmitTask>(tag, [8, 10, 11],
        c => c.Spec.HasIsolationFields ? 3 : c.Spec.AppId is not null ? 2 : 1,
        (ref MessagePackWriter w, SubmitTask c, int v) =>
        {
            w.WriteString(c.TaskId);
            WriteHead(ref w, c.Spec);
            if (v < 2) return;
            w.WriteString(c.Spec.AppId);
            w.WriteString(c.Spec.AppVersion);
            if (v == 3) IsolationFieldsCodec.WriteTask(ref w, c.Spec);
        },
        (ref MessagePackReader r, long at, int v) =>
        {
            var id = MessagePackFields.RequiredString(ref r, "command SubmitTask");
            var spec = ReadHead(ref r);
            if (v >= 2) spec = spec with { AppId = r.ReadString(), AppVersion = r.ReadString() };
            if (v == 3) spec = IsolationFieldsCodec.ReadTask(ref r, spec, What);
            return new SubmitTask(at, id, spec);
        });

    /// <summary>[name, argv, env, cpus, mem, disk]: how every layout of a spec starts.</summary>
    public static void WriteHead(ref MessagePackWriter w, TaskSpec spec)
    {
        w.WriteString(spec.Name);
        MessagePackFields.WriteStrings(ref w, spec.Argv);
        MessagePackFields.WriteStringMap(ref w, spec.Env);
        ResourcesCodec.Write(ref w, spec.Resources);
    }

    public static TaskSpec ReadHead(ref MessagePackReader r)
    {
        var name = MessagePackFields.RequiredString(ref r, What);
        var argv = MessagePackFields.ReadStrings(ref r, What) ?? throw new ProtocolException($"{What}: argv is nil");
        var env = MessagePackFields.ReadStringMap(ref r, What);
        return new TaskSpec(name, argv, env, ResourcesCodec.Read(ref r));
    }

    /// <summary>The snapshot's form of the app link: nil for a one-shot task, else [appId, appVersion].</summary>
    public static void WriteAppLink(ref MessagePackWriter w, TaskSpec spec)
    {
        if (spec.AppId is null)
        {
            w.WriteNil();
            return;
        }
        w.WriteArrayHeader(2);
        w.WriteString(spec.AppId);
        w.WriteString(spec.AppVersion);
    }

    public static TaskSpec ReadAppLink(ref MessagePackReader r, TaskSpec spec)
    {
        if (r.TryReadNil()) return spec;
        if (r.ReadArrayHeader() != 2) throw new ProtocolException($"{What}: a malformed app link");
        return spec with { AppId = r.ReadString(), AppVersion = r.ReadString() };
    }
}
