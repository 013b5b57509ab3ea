namespace Scheduler.Core.Catalogue;

/// <summary>
/// A cross-department comprehensive window category (综合窗口): any window of the category accepts any item
/// of the category (一窗受理).
/// </summary>
/// <param name="Windows">How many windows of this category the hall has.</param>
/// <param name="SlotMinutes">Length of one bookable slot at a window of this category.</param>
public sealed record WindowCategory(string Id, LocalizedText Name, int Windows, int SlotMinutes);
