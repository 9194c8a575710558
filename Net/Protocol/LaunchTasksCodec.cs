using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// Fields of a <see cref="LaunchTasks"/> entry (tag 20 in <see cref="CommandCodec"/>): [atMs, [launch...]], a launch as
/// [agentId, frameworkId or nil, [the task's SubmitTask fields]] so a task's spec is written exactly as SubmitTask
/// writes it (and grows with it); a third field, true, asks for the app checks (level 3, see LaunchTasks.JudgeApps).
/// </summary>
internal static class LaunchTasksCodec
{
    public static void Write(ref MessagePackWriter w, LaunchTasks c)
    {
        w.WriteArrayHeader(c.JudgeApps ? 3 : 2);
        w.WriteInt64(c.AtMs);
        w.WriteArrayHeader(c.Launches.Count);
        foreach (var launch in c.Launches)
        {
            w.WriteArrayHeader(3);
            w.WriteString(launch.AgentId);
            w.WriteString(launch.FrameworkId);
            CommandCodec.WriteSubmit(ref w, new SubmitTask(c.AtMs, launch.TaskId, launch.Spec));
        }
        if (c.JudgeApps) w.WriteBoolean(true);
    }

    public static LaunchTasks Read(ref MessagePackReader r, int fields)
    {
        if (fields is not (2 or 3)) throw new ProtocolException($"command LaunchTasks has {fields} fields");
        var at = r.ReadInt64();
        var count = r.ReadArrayHeader();
        var launches = new List<PlacedLaunch>(Math.Min(count, 65_536));
        for (var i = 0; i < count; i++)
        {
            var parts = r.ReadArrayHeader();
            if (parts != 3) throw new ProtocolException($"command LaunchTasks: launch {i} has {parts} fields");
            var agentId = MessagePackFields.RequiredString(ref r, "command");
            var frameworkId = r.ReadString();
            var submitFields = r.ReadArrayHeader();
            if (submitFields is not (8 or 10 or 11)) throw new ProtocolException($"command LaunchTasks: launch {i}'s task has {submitFields} fields");
            var task = CommandCodec.ReadSubmit(ref r, submitFields);
            launches.Add(new PlacedLaunch(task.TaskId, task.Spec, agentId, frameworkId));
        }
        return new LaunchTasks(at, launches, fields == 3 && r.ReadBoolean());
    }
}
