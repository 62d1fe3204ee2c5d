// Read by Bootstrap Italia's bundle before it starts: its video player (unused here) would
// otherwise inject <style> elements, which the Content-Security-Policy (style-src 'self')
// refuses. Loaded as a classic script, before the bundle.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
