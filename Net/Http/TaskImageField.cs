using System.Text.Json;
using MiniMesos.Core.Images;
using MiniMesos.Core.Model;

namespace MiniMesos.Net.Http;

/// <summary>
/// A task request's <c>container</c>: <c>{"image": REF, "force_pull": bool}</c>. With an image, <c>cmd</c> runs as
/// /bin/sh -c inside it, <c>args</c> go after the image's Entrypoint (Docker's rule), and neither runs the image's own
/// Entrypoint and Cmd. A rootfs beside an image is refused (the image is the rootfs); binds go into the image's root.
/// </summary>
internal static class TaskImageField
{
    public static (TaskImage? Image, ApiError? Error) Parse(JsonElement root)
    {
        if (!root.TryGetProperty("container", out var c) || c.ValueKind == JsonValueKind.Null) return (null, null);
        if (c.ValueKind != JsonValueKind.Object) return (null, TaskRequestParser.Invalid("container", "must be an object {\"image\": REF}"));
        string? reference = null;
        var forcePull = false;
        foreach (var p in c.EnumerateObject())
        {
            switch (p.Name)
            {
                case "image" when p.Value.ValueKind == JsonValueKind.String:
                    reference = p.Value.GetString();
                    break;
                case "image":
                    return (null, TaskRequestParser.Invalid("container.image", "must be a string (an image reference)"));
                case "force_pull" when p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    forcePull = p.Value.GetBoolean();
                    break;
                case "force_pull":
                    return (null, TaskRequestParser.Invalid("container.force_pull", "must be true or false"));
                default:
                    return (null, TaskRequestParser.Invalid($"container.{p.Name}", "unknown field (known: force_pull, image)"));
            }
        }
        if (reference is null) return (null, TaskRequestParser.Invalid("container.image", "is required in container"));
        if (ImageReference.Parse(reference, out var error) is null) return (null, TaskRequestParser.Invalid("container.image", error));
        if (root.TryGetProperty("rootfs", out _)) return (null, TaskRequestParser.Invalid("rootfs", "give either a rootfs or container.image, not both (the image is the task's root filesystem)"));
        return (new TaskImage(reference, ForcePull: forcePull), null);
    }
}
