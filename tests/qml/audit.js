// What the view tests check on every screen they show (agent, wallboard): no text is cut
// off, and every text passes WCAG 2.1 AA against the ground it is drawn on.
.pragma library

// Every visible text under @p item that is elided or wider than its box.
function cutOff(item, out) {
    if (!item || !item.visible)
        return out
    if (typeof item.text === "string" && item.text !== "" && item.contentWidth !== undefined
            && (item.truncated === true || item.contentWidth > item.width + 1))
        out.push(name(item) + " \"" + item.text + "\" " + Math.round(item.contentWidth) + " > "
                 + Math.round(item.width))
    for (var i = 0; i < item.children.length; ++i)
        cutOff(item.children[i], out)
    return out
}

function name(item) {
    return item.objectName || String(item).split("(")[0]
}

// WCAG 2.1 relative luminance and contrast ratio of two colours.
function luminance(c) {
    function channel(v) { return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4) }
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}
function contrast(a, b) {
    var x = luminance(a), y = luminance(b)
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05)
}

// A rectangle's colour, or the first stop of its gradient (Fusion's tabs and buttons).
function fill(rect) {
    if (rect.gradient && rect.gradient.stops && rect.gradient.stops.length > 0)
        return rect.gradient.stops[0].color
    return rect.color
}

// The opaque colour a text is drawn on: the nearest Rectangle (or a control's background)
// among the item and its parents; @p fallback (the window) when there is none.
function groundOf(item, fallback) {
    for (var a = item; a; a = a.parent) {
        if (a !== item && a.color !== undefined && a.radius !== undefined && a.border !== undefined
                && a.visible && (a.gradient || a.color.a === 1))
            return fill(a)
        var bg = a.background
        if (bg && bg.visible && bg.color !== undefined && (bg.gradient || bg.color.a === 1))
            return fill(bg)
    }
    return fallback
}

// Every visible, enabled text under @p item whose contrast is below AA: 4.5:1, or 3:1 for
// large text (24 px, or 18.67 px bold). Disabled controls are exempt (WCAG 1.4.3).
function lowContrast(item, fallback, out) {
    if (!item || !item.visible || item.enabled === false)
        return out
    if (typeof item.text === "string" && item.text !== "" && item.color !== undefined
            && item.font !== undefined && item.contentWidth !== undefined && item.opacity > 0) {
        var ground = groundOf(item, fallback)
        var ratio = contrast(item.color, ground)
        var px = item.font.pixelSize > 0 ? item.font.pixelSize : item.font.pointSize * 4 / 3
        var large = px >= 24 || (px >= 18.66 && item.font.bold)
        if (ratio < (large ? 3 : 4.5))
            out.push(name(item) + " \"" + item.text + "\" " + item.color + " on " + ground + ": "
                     + ratio.toFixed(2))
    }
    for (var i = 0; i < item.children.length; ++i)
        lowContrast(item.children[i], fallback, out)
    return out
}
