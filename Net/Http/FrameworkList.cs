namespace MiniMesos.Net.Http;

internal sealed record FrameworkList(IReadOnlyList<FrameworkView> Frameworks);
