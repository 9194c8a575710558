namespace MiniMesos.Core.Frameworks.Jobs;

/// <summary>When a scheduled job fires. Pure, in UTC.</summary>
internal interface ISchedule
{
    /// <summary>The first fire time strictly after <paramref name="after"/>, or null when there is none.</summary>
    DateTimeOffset? NextAfter(DateTimeOffset after);
}
