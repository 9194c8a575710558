using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// A <see cref="LaunchTasks"/> entry: [atMs, [launch...]], a launch as [agentId, frameworkId or nil, [the task's
/// SubmitTask array]], written by SubmitTask's own codec so a task's spec is written exactly as SubmitTask writes it (and
/// grows with it); version 2 appends true, asking for the app checks (level 3, see LaunchTasks.JudgeApps).
/// </summary>
internal static class LaunchTasksCodec
{
    public static CommandFormat Launch(byte tag, CommandFormat submit) => CommandFormat.Of<LaunchTasks>(tag, [2, 3], c => c.JudgeApps ? 2 : 1,
        (ref MessagePackWriter w, LaunchTasks c, int v) =>
        {
            w.WriteArrayHeader(c.Launches.Count);
            foreach (var launch in c.Launches)
            {
                w.WriteArrayHeader(3);
                w.WriteString(launch.AgentId);
                w.WriteString(launch.FrameworkId);
                submit.Write(ref w, new SubmitTask(c.AtMs, launch.TaskId, launch.Spec));
            }
            if (v == 2) w.WriteBoolean(true);
        },
        (ref MessagePackReader r, long at, int v) =>
        {
            var count = r.ReadArrayHeader();
            var launches = new List<PlacedLaunch>(Math.Min(count, 65_536));
            for (var i = 0; i < count; i++)
            {
                var parts = r.ReadArrayHeader();
                if (parts != 3) throw new ProtocolException($"command LaunchTasks: launch {i} has {parts} fields");
                var agentId = MessagePackFields.RequiredString(ref r, "command LaunchTasks");
                var frameworkId = r.ReadString();
                var submitFields = r.ReadArrayHeader();
                if (!submit.Versions.Accepts(submitFields)) throw new ProtocolException($"command LaunchTasks: launch {i}'s task has {submitFields} fields");
                var task = (SubmitTask)submit.Read(ref r, submitFields);
                launches.Add(new PlacedLaunch(task.TaskId, task.Spec, agentId, frameworkId));
            }
            return new LaunchTasks(at, launches, v == 2 && r.ReadBoolean());
        });
}
