// The admin's app menu (Django's nav sidebar) starts closed on screens under 1600 px, where
// it would take the room of two columns of a change list. Runs before Django's
// nav_sidebar.js, which reads the same preference; a person who opens the menu keeps it open.
(function () {
  "use strict";
  var key = "django.admin.navSidebarIsOpen";
  try {
    if (window.localStorage.getItem(key) === null && window.innerWidth < 1600) {
      window.localStorage.setItem(key, "false");
    }
  } catch (error) { /* storage disabled: Django's default applies */ }
})();
