using MiniMesos.Core.Model;
using MiniMesos.Core.State;
using MiniMesos.Net.MessagePack;

namespace MiniMesos.Net.Protocol;

/// <summary>
/// A task's status: UpdateTaskStatus [atMs, taskId, state, exitCode, signal, message], and UpdateTaskStatuses
/// [atMs, [update...]], each update an UpdateTaskStatus's own array, written by the same codec.
/// </summary>
internal static class TaskStatusCodec
{
    public static CommandFormat Update(byte tag) => CommandFormat.Of<UpdateTaskStatus>(tag, 6,
        (ref MessagePackWriter w, UpdateTaskStatus c, int _) =>
        {
            w.WriteString(c.TaskId);
            w.WriteInt64((int)c.State);
            MessagePackFields.WriteOptionalInt(ref w, c.ExitCode);
            MessagePackFields.WriteOptionalInt(ref w, c.Signal);
            w.WriteString(c.Message);
        },
        (ref MessagePackReader r, long at, int _) => new UpdateTaskStatus(at, MessagePackFields.RequiredString(ref r, "command UpdateTaskStatus"),
            ReadState(ref r), MessagePackFields.ReadOptionalInt(ref r), MessagePackFields.ReadOptionalInt(ref r), r.ReadString()));

    public static CommandFormat Updates(byte tag, CommandFormat update) => CommandFormat.Of<UpdateTaskStatuses>(tag, 2,
        (ref MessagePackWriter w, UpdateTaskStatuses c, int _) => MessagePackFields.WriteList(ref w, c.Updates, update.Write),
        (ref MessagePackReader r, long at, int _) =>
        {
            var count = r.ReadArrayHeader();
            var updates = new List<UpdateTaskStatus>(Math.Min(count, 4096));
            for (var i = 0; i < count; i++)
            {
                var fields = r.ReadArrayHeader();
                if (fields != 6) throw new ProtocolException($"command UpdateTaskStatuses: update {i} has {fields} fields");
                updates.Add((UpdateTaskStatus)update.Read(ref r, fields));
            }
            return new UpdateTaskStatuses(at, updates);
        });

    public static TaskState ReadState(ref MessagePackReader r)
    {
        var value = r.ReadInt64();
        return Enum.IsDefined((TaskState)value) ? (TaskState)value : throw new ProtocolException($"unknown task state {value}");
    }
}
